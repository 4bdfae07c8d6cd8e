/**
 * Gives zod/mini zod's English error messages. The Lambda-side schemas use the mini API
 * (functions instead of methods): it tree-shakes to what a bundle uses, where the classic
 * API puts ~95 KB of zod (every method, JSON Schema support) into each bundle, the largest
 * part of a function's cold start above its SDK clients. Classic zod configures English
 * messages when it loads; mini leaves the default "Invalid input" unless told, so every
 * module that validates with mini imports this one for its side effect.
 */

import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
