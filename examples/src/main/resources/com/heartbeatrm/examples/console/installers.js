// Installers: pick an access key, optionally a platform and your own base installer, and download an installer
// that carries a signed enrollment token for that key.
import * as api from './api.js';
import { h, fill, field, dialog, table, when, status, rowAction, showError, clearError, groupLabel } from './ui.js';

let chosenKey = null;

export default async function installers(container) {
  const keys = await api.getAll('/api/keys');
  if (!keys.some((k) => k.id === chosenKey)) chosenKey = null;

  const keySelect = h('select', { name: 'key', id: 'installer-key', dataset: { field: 'key' } },
    h('option', { value: '' }, 'Choose an access key…'),
    keys.map((k) => h('option', { value: k.id, selected: k.id === chosenKey },
      `${k.name} → ${groupLabel(k.group)}${k.status === 'ENABLED' ? '' : ` (${k.status.toLowerCase()})`}`)));
  const platform = h('select', { name: 'platform', id: 'installer-platform', dataset: { field: 'platform' } },
    h('option', { value: '' }, 'Any platform'),
    h('option', { value: 'windows' }, 'Windows'),
    h('option', { value: 'macos' }, 'macOS'),
    h('option', { value: 'linux' }, 'Linux'));
  const file = h('input', { type: 'file', name: 'base', id: 'installer-base', dataset: { field: 'file' } });
  const singleUse = h('input', { type: 'checkbox', name: 'singleUse', id: 'installer-single-use', dataset: { field: 'singleUse' } });
  const generate = h('button', { type: 'submit', class: 'primary', id: 'generate-installer' }, 'Generate Installer');
  const result = h('p', { class: 'notice', id: 'installer-result', role: 'status' });
  const list = h('div', { id: 'installer-list' });
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'form-row' },
      field('Access key', keySelect),
      field('Platform (optional)', platform),
      field('Base installer (optional)', file, 'Your own agent installer: JAR/ZIP, signed Windows .exe or any file. '
        + 'Without one, the server’s sample agent is used.'),
      field('Single use', singleUse, 'For one computer: a second one is refused, and the link expires in 24 hours. '
        + 'Hand each technician’s download its own.')),
    h('div', { class: 'actions' }, generate),
    result);

  keySelect.addEventListener('change', () => {
    chosenKey = keySelect.value || null;
    clearError(keySelect);
    result.textContent = '';
    loadList();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('.error').forEach((x) => x.remove());
    result.textContent = '';
    if (!keySelect.value) {
      showError(keySelect, new Error('choose the access key the installer enrolls with'));
      return;
    }
    generate.disabled = true;
    generate.textContent = 'Generating…';
    try {
      const got = await api.generateInstaller(keySelect.value,
        { platform: platform.value || null, file: file.files[0] || null, singleUse: singleUse.checked });
      result.textContent = `Downloaded ${got.filename} (${formatSize(got.size)}), installer ${got.installerId}.`;
      result.dataset.installer = got.installerId || '';
      await loadList();
    } catch (err) {
      const target = err.field === 'file' ? file : err.field === 'platform' ? platform : err.field === 'singleUse' ? singleUse : generate;
      showError(target, err);
    } finally {
      generate.disabled = false;
      generate.textContent = 'Generate Installer';
    }
  });

  async function loadList() {
    if (!chosenKey) {
      fill(list, h('p', { class: 'hint' }, 'Choose an access key to see the installers generated with it.'));
      return;
    }
    const key = keys.find((k) => k.id === chosenKey);
    const rows = await api.getAll('/api/installers', { key: chosenKey });
    rows.sort((a, b) => b.issued.localeCompare(a.issued));
    fill(list,
      h('h2', {}, `Installers generated with “${key ? key.name : chosenKey}”`),
      table(['Installer', 'Generated', 'Platform', 'Format', 'Size', 'SHA-256', 'Status', ''], rows.map(row),
        'None yet: click Generate Installer.'));
  }

  function row(r) {
    return h('tr', { dataset: { installer: r.id } },
      h('td', { class: 'mono' }, r.id),
      h('td', {}, when(r.issued), h('span', { class: 'sub' }, `by ${r.issuedBy}`)),
      h('td', {}, r.platform || 'any'),
      h('td', {}, r.format || '—'),
      h('td', {}, r.size !== undefined ? formatSize(r.size) : '—'),
      h('td', { class: 'mono', title: r.sha256 || '' }, r.sha256 ? `${r.sha256.slice(0, 12)}…` : '—'),
      h('td', {}, r.revoked ? status('REVOKED', 'Revoked') : r.maxUses !== undefined && r.uses >= r.maxUses ? status('USED', 'Used')
        : status('ACTIVE', 'Active'), r.maxUses !== undefined ? h('span', { class: 'sub' }, `single use: ${r.uses} of ${r.maxUses}`) : null),
      h('td', { class: 'actions-cell' }, r.revoked ? null
        : h('button', { type: 'button', class: 'small danger', onclick: (e) => rowAction(e.currentTarget, () => revoke(r)) }, 'Revoke')));
  }

  async function revoke(r) {
    const done = await dialog(`Revoke installer ${r.id}`, {
      submitLabel: 'Revoke installer',
      danger: true,
      build: () => [
        h('p', { class: 'warning' }, 'This one installer file stops working: installs from it are refused. '
          + 'Other installers for the key, and agents already enrolled, are not affected.'),
        field('Reason', h('input', { name: 'reason', maxlength: 500, autocomplete: 'off', dataset: { field: 'reason' } })),
      ],
      submit: (f) => api.post(`/api/installers/${api.seg(r.id)}/revoke`, { reason: f.elements.reason.value.trim() || null }),
    });
    if (done) await loadList();
  }

  fill(container,
    h('div', { class: 'view-head' }, h('h1', {}, 'Installers'),
      h('p', {}, 'Generate an installer that enrolls new agents with an access key. The browser downloads it.')),
    form, channels(), list);
  await loadList();
}

// Which way the token reaches each platform: in the installer where the format has room for it, beside it otherwise.
const CHANNELS = [
  ['Windows .exe and .msi, JAR/ZIP, shell scripts, .deb', 'Tagged installer',
    'Generate Installer above: the token travels inside the file (inside the Authenticode signature for .exe/.msi).'],
  ['RPM (RHEL, SUSE), containers, cloud-init, Ansible/Puppet/Chef', 'Token file',
    'Install the untouched package, then deliver the token beside it: heartbeat installers token --key KEY --out FILE '
      + '(owner-only), read with --token-file FILE, standard input, or HEARTBEAT_ENROLLMENT_TOKEN. Never on a command line.'],
  ['macOS (Jamf, Kandji, Intune, any MDM)', 'Configuration profile',
    'heartbeat installers profile --key KEY --out agent.mobileconfig: a managed-preferences payload for com.heartbeatrm.agent.'],
  ['Windows fleets (Group Policy, Intune)', 'Policy',
    'heartbeat installers admx --out DIR: an ADMX/ADML pair that sets the token in HKLM\\Software\\Policies\\HeartbeatRM\\Agent.'],
];

function channels() {
  return h('details', { class: 'card', id: 'installer-channels' },
    h('summary', {}, 'Which channel for which platform?'),
    table(['Platform', 'Channel', 'How'], CHANNELS.map(([platform, channel, how]) =>
      h('tr', { dataset: { channel } }, h('td', {}, platform), h('td', {}, channel), h('td', {}, how))), ''));
}

function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
