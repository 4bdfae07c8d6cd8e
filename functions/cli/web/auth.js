/**
 * Sign-in for the console served by the deployed API with `apiAuth=jwt`: OpenID Connect
 * authorization code flow with PKCE against the configured issuer (Cognito or any OIDC
 * provider), discovered from its `/.well-known/openid-configuration`. The ID token (a JWT
 * whose audience is the client id, which the API's JWT authorizer checks) is kept in
 * sessionStorage only, so it ends with the tab. The local stack needs none of this.
 */

const STORE = 'eks-netguard.auth';
const PENDING = 'eks-netguard.auth.pending';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer) {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered HTTP ${response.status}`);
  return response.json();
}

/** Where the provider sends the browser back: the console's own page, without a query. */
function redirectUri() {
  return `${location.origin}${location.pathname}`;
}

function storedToken() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORE) ?? 'null');
    // A minute of margin: a token about to expire would fail mid-request.
    return stored && stored.expiresAt > Date.now() + 60_000 ? stored.idToken : undefined;
  } catch {
    return undefined;
  }
}

function expiryOf(idToken) {
  try {
    const payload = JSON.parse(atob(idToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.exp * 1000;
  } catch {
    return Date.now() + 5 * 60_000;
  }
}

/** Sends the browser to the provider's sign-in page. */
export async function signIn(config) {
  const metadata = await discover(config.issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: location.search }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope || 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${metadata.authorization_endpoint}?${params}`);
}

/** Forgets the token (after a 401, or on sign-out). */
export function signOut() {
  sessionStorage.removeItem(STORE);
}

/**
 * Finishes a sign-in the provider redirected back from (exchanging the code), and answers
 * the current ID token, or undefined when the user must sign in.
 */
export async function currentToken(config) {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  if (code && pending && params.get('state') === pending.state) {
    sessionStorage.removeItem(PENDING);
    const metadata = await discover(config.issuer);
    const response = await fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(),
        client_id: config.clientId,
        code_verifier: pending.verifier,
      }),
    });
    const answer = await response.json();
    if (!response.ok || !answer.id_token) {
      throw new Error(
        `sign-in failed: ${answer.error_description ?? answer.error ?? `HTTP ${response.status}`}`,
      );
    }
    sessionStorage.setItem(
      STORE,
      JSON.stringify({ idToken: answer.id_token, expiresAt: expiryOf(answer.id_token) }),
    );
    history.replaceState(null, '', `${location.pathname}${pending.returnTo || ''}`);
  }
  return storedToken();
}
