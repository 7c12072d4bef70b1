// The admin JSON API, and nothing else. The admin token lives in this tab's sessionStorage (gone when the tab
// closes) and travels only in the Authorization header: never in a URL, a cookie or localStorage.

const TOKEN = 'heartbeat.adminToken';
// The chosen organization travels by id (org=org_…), never by name; its name is kept for display only.
const ORG = 'heartbeat.organization';
const ORG_NAME = 'heartbeat.organizationName';

/** An answer the API refused; `field` names the input it is about, when the server knows. */
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || null;
  }
}

let onSignedOut = () => {};

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export function signedIn() {
  return sessionStorage.getItem(TOKEN) !== null;
}

/** The chosen organization's id. */
export function organization() {
  return sessionStorage.getItem(ORG);
}

export function organizationName() {
  return sessionStorage.getItem(ORG_NAME);
}

/** Chooses an organization of the API's list ({ id, name }). */
export function chooseOrganization(org) {
  sessionStorage.setItem(ORG, org.id);
  sessionStorage.setItem(ORG_NAME, org.name);
}

/** Keeps the chosen organization when it is still listed (with its current name), else chooses the first. */
export function keepOrganization(orgs) {
  if (orgs.length > 0) chooseOrganization(orgs.find((o) => o.id === organization()) || orgs[0]);
}

/** Checks the token against the API; on success keeps it for this tab and returns the organizations. */
export async function signIn(token) {
  const t = (token || '').trim();
  if (!t) {
    throw new ApiError(400, 'enter the admin token that `serve` printed or HEARTBEAT_ADMIN_TOKEN holds', 'token');
  }
  const orgs = (await (await request('GET', '/api/organizations', { token: t, query: { limit: 1000 } })).json()).items;
  sessionStorage.setItem(TOKEN, t);
  keepOrganization(orgs);
  return orgs;
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(ORG);
  sessionStorage.removeItem(ORG_NAME);
}

function url(path, query) {
  const params = new URLSearchParams();
  const org = organization();
  if (org && !path.startsWith('/api/organizations')) params.set('org', org);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v);
  }
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

async function request(method, path, { query, json, file, token } = {}) {
  const headers = { Authorization: `Bearer ${token || sessionStorage.getItem(TOKEN) || ''}` };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (file) {
    headers['Content-Type'] = 'application/octet-stream';
    body = file;
  }
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached: is `serve` still running?');
  }
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    let field = null;
    if (type.startsWith('application/json')) {
      const err = await response.json().catch(() => ({}));
      if (err.error) message = err.error;
      field = err.field || null;
    }
    if (response.status === 401 && !token) {
      signOut();
      onSignedOut('Your session ended (the admin token was refused): sign in again.');
    }
    throw new ApiError(response.status, message, field);
  }
  return response;
}

async function json(method, path, options) {
  const response = await request(method, path, options);
  return response.json();
}

export const get = (path, query) => json('GET', path, { query });

/** Every row of a list: the API pages ({ items, next }), and this follows `next` to the end. */
export async function getAll(path, query) {
  const rows = [];
  let after = null;
  do {
    const page = await get(path, { ...(query || {}), limit: 1000, after });
    rows.push(...page.items);
    after = page.next || null;
  } while (after);
  return rows;
}
export const post = (path, body, query) => json('POST', path, { json: body || {}, query });
export const del = (path) => json('DELETE', path, {});

/** Path segment for an id (what the console addresses objects by). */
export const seg = (s) => encodeURIComponent(s);

/**
 * Generates an installer for a key and hands it to the browser as a download. With `file`, the operator's own
 * base installer is uploaded and tagged; without, the server's sample agent is.
 */
export async function generateInstaller(key, { platform, file, singleUse } = {}) {
  const query = { platform, singleUse: singleUse ? 'true' : null };
  let response;
  if (file) {
    query.filename = file.name;
    response = await request('POST', `/api/keys/${seg(key)}/installer`, { query, file });
  } else {
    response = await request('GET', `/api/keys/${seg(key)}/installer`, { query });
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(disposition);
  const filename = match ? match[1] : 'heartbeat-installer.bin';
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { filename, size: blob.size, installerId: response.headers.get('X-Heartbeat-Installer-Id') };
}
