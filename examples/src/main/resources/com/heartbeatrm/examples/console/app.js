// The console's shell: sign-in, the main menu and a hash router (#/keys, #/installers, ...).
import * as api from './api.js';
import { h, fill, field, showError } from './ui.js';
import keys from './keys.js';
import installers from './installers.js';
import groups from './groups.js';
import agents from './agents.js';
import audit from './audit.js';

const views = { keys, installers, groups, agents, audit };
const titles = { keys: 'Keys', installers: 'Installers', groups: 'Groups', agents: 'Agents', audit: 'Audit' };
const main = document.getElementById('main');
const menu = document.getElementById('menu');
const session = document.getElementById('session');
const orgSelect = document.getElementById('org');
let generation = 0;
let organizations = [];

function signInScreen(message) {
  menu.hidden = true;
  session.hidden = true;
  document.title = 'Sign in · HeartbeatRM';
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', dataset: { field: 'token' } });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'card signin', novalidate: true },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'hint' }, 'Use the admin token: `serve` prints it at start, or reads it from HEARTBEAT_ADMIN_TOKEN. '
      + 'It stays in this tab only and is forgotten when the tab closes.'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    field('Admin token', token),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const orgs = await api.signIn(token.value);
      token.value = '';
      showSession(orgs);
      if (!location.hash || location.hash === '#/' || location.hash === '#/signin') location.hash = '#/keys';
      else route();
    } catch (err) {
      showError(token, err);
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
  token.focus();
}

function showSession(orgs) {
  menu.hidden = false;
  session.hidden = false;
  organizations = orgs;
  api.keepOrganization(orgs);
  const current = api.organization();
  document.getElementById('org-name').textContent = orgs.length === 1 ? orgs[0].name : '';
  const picker = orgSelect.closest('label');
  picker.hidden = orgs.length < 2;
  fill(orgSelect, orgs.map((o) => h('option', { value: o.id, selected: o.id === current }, o.name)));
}

orgSelect.addEventListener('change', () => {
  const chosen = organizations.find((o) => o.id === orgSelect.value);
  if (chosen) api.chooseOrganization(chosen);
  route();
});

document.getElementById('sign-out').addEventListener('click', () => {
  api.signOut();
  signInScreen('Signed out.');
});

api.whenSignedOut((message) => signInScreen(message));

async function route() {
  if (!api.signedIn()) {
    signInScreen();
    return;
  }
  const name = (location.hash.replace(/^#\/?/, '').split(/[/?]/)[0]) || 'keys';
  const view = views[name] || keys;
  const key = views[name] ? name : 'keys';
  for (const a of menu.querySelectorAll('a')) {
    if (a.dataset.view === key) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${titles[key]} · HeartbeatRM`;
  const mine = ++generation;
  const container = h('section', { class: 'view', id: `view-${key}`, 'aria-busy': 'true' });
  fill(main, container);
  try {
    await view(container, { isCurrent: () => mine === generation });
  } catch (err) {
    if (mine === generation && api.signedIn()) showError(container.lastElementChild || container, err);
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}

window.addEventListener('hashchange', route);

(async () => {
  if (api.signedIn()) {
    try {
      showSession(await api.getAll('/api/organizations'));
    } catch (err) {
      return;
    }
  }
  route();
})();
