/**
 * Remediation rendering: a rule's remediation is a template whose `{{name}}` slots are
 * filled with what the finding knows (cluster, region, resource, evidence values), so the
 * command is ready to run. A slot the finding cannot fill stays as a visible `<name>`
 * placeholder (for example the office CIDR to allow).
 */

const SLOT = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

/** The `{{name}}` slots of a template, in order of appearance, without duplicates. */
export function templateSlots(template: string): string[] {
  return [...new Set([...template.matchAll(SLOT)].map((match) => match[1] as string))];
}

/** Shows a template as the catalog prints it: every slot as a `<name>` placeholder. */
export function templateAsPlaceholders(template: string): string {
  return template.replace(SLOT, (_match, name: string) => `<${name}>`);
}

/**
 * Fills a template's slots from `values`; strings and finite numbers are used, anything
 * else (absent, objects, lists) leaves the `<name>` placeholder.
 */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, unknown>> | ((name: string) => unknown),
): string {
  const lookup =
    typeof values === 'function'
      ? values
      : (name: string) => (Object.hasOwn(values, name) ? values[name] : undefined);
  return template.replace(SLOT, (_match, name: string) => {
    const value = lookup(name);
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return `<${name}>`;
  });
}

/** Placeholders (`<name>`) left in a rendered remediation. */
export function remainingPlaceholders(rendered: string): string[] {
  return [...rendered.matchAll(/<([A-Za-z][A-Za-z0-9]*)>/g)].map((match) => match[1] as string);
}
