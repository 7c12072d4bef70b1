// Agents: who enrolled, where they are, and who waits for approval.
import * as api from './api.js';
import { h, fill, field, groupLabel, groupTree, pickGroup, table, when, status, rowAction, confirmAction } from './ui.js';

// The group the list is filtered to, by id; '' for all groups.
let groupFilter = '';

export default async function agents(container) {
  const [groups, keys] = await Promise.all([api.getAll('/api/groups'), api.getAll('/api/keys')]);
  const root = groupTree(groups);
  const keyNames = new Map(keys.map((k) => [k.id, k.name]));
  const pathOf = new Map(groups.map((g) => [g.id, g.path]));
  if (groupFilter && !pathOf.has(groupFilter)) groupFilter = '';

  const filter = h('select', { id: 'agent-group', name: 'group' },
    h('option', { value: '' }, 'All groups'),
    [...groups].sort((a, b) => (a.path === '/' ? -1 : b.path === '/' ? 1 : a.path.localeCompare(b.path)))
      .map((g) => h('option', { value: g.id, selected: g.id === groupFilter }, groupLabel(g.path))));
  const pending = h('div', { id: 'pending-agents' });
  const all = h('div', { id: 'agent-list' });
  filter.addEventListener('change', () => { groupFilter = filter.value; load(); });

  fill(container,
    h('div', { class: 'view-head' }, h('h1', {}, 'Agents'),
      h('p', {}, 'Agents already enrolled keep working when their key is disabled or re-pointed; disable an agent to stop its renewals.')),
    h('div', { class: 'form-row card' }, field('Group', filter)),
    pending, all);

  async function load() {
    const rows = await api.getAll('/api/agents', { group: groupFilter || null });
    rows.sort((a, b) => a.group.localeCompare(b.group) || a.hostname.localeCompare(b.hostname));
    const waiting = rows.filter((a) => a.status === 'PENDING');
    fill(pending, waiting.length === 0 ? null : [
      h('h2', {}, `Waiting for approval (${waiting.length})`),
      table(['Host', 'Group', 'Platform', 'Asked', 'Key', ''], waiting.map((a) => h('tr', { dataset: { agent: a.id } },
        h('td', {}, h('strong', {}, a.hostname), h('span', { class: 'sub mono' }, a.id), attested(a)),
        h('td', {}, groupLabel(a.group)),
        h('td', {}, a.platform),
        h('td', {}, when(a.enrolled)),
        h('td', {}, keyNames.get(a.key) || a.key),
        h('td', { class: 'actions-cell' },
          h('button', { type: 'button', class: 'small primary', onclick: (e) => rowAction(e.currentTarget, () => decide(a, 'approve')) }, 'Approve'),
          h('button', { type: 'button', class: 'small danger', onclick: (e) => rowAction(e.currentTarget, () => decide(a, 'deny')) }, 'Deny')))), ''),
    ]);
    fill(all,
      h('h2', {}, groupFilter ? `Agents in ${groupLabel(pathOf.get(groupFilter))}` : 'All agents'),
      table(['Host', 'Group', 'Status', 'Platform', 'Enrolled', 'Key', ''], rows.map((a) => h('tr', { dataset: { agent: a.id } },
        h('td', {}, h('strong', {}, a.hostname), h('span', { class: 'sub mono' }, a.id), attested(a)),
        h('td', { class: 'agent-group' }, groupLabel(a.group)),
        h('td', {}, status(a.status)),
        h('td', {}, a.platform),
        h('td', {}, when(a.enrolled)),
        h('td', {}, keyNames.get(a.key) || h('span', { class: 'mono' }, a.key)),
        h('td', { class: 'actions-cell' },
          h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => move(a)) }, 'Move'),
          a.status === 'LOCKED'
            ? h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => unlock(a)) }, 'Unlock') : null,
          a.status === 'DISABLED'
            ? h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => enable(a)) }, 'Enable')
            : h('button', { type: 'button', class: 'small danger', onclick: (e) => rowAction(e.currentTarget, () => disable(a)) }, 'Disable')))),
      'No agents here yet.'));
  }

  // What the server verified of the agent's TPM: its endorsement key hash and the CA (or allow-list) that trusted it;
  // and the machine fingerprint the agent reported (what the replaced-TPM rule compares).
  function attested(a) {
    const machine = a.machineFingerprint
      ? h('span', { class: 'sub mono machine', title: 'Machine fingerprint the agent reported' }, `machine ${a.machineFingerprint}`) : null;
    if (!a.attested) return machine;
    return [h('span', { class: 'sub attested', title: `EK SHA-256 ${a.attested.ekSha256}, trusted by ${a.attested.trustedBy}` },
      `TPM-attested (EK ${a.attested.ekSha256.slice(0, 12)}…, ${a.attested.trustedBy === 'allow-list' ? 'allow-list' : 'CA ' + a.attested.trustedBy.slice(0, 12) + '…'})`), machine];
  }

  async function decide(a, verdict) {
    await api.post(`/api/agents/${api.seg(a.id)}/${verdict}`);
    await load();
  }

  async function move(a) {
    const picked = await pickGroup(`Move ${a.hostname} to…`, root, { selected: a.group });
    if (picked === null || picked.path === a.group) return;
    await api.post(`/api/agents/${api.seg(a.id)}/move`, { group: picked.id });
    await load();
  }

  async function unlock(a) {
    const done = await confirmAction(`Unlock ${a.hostname}`,
      'It was locked because two computers renewed with one identity (a clone). Unlock it only once the copy is gone: '
        + 'the next renewal must prove the newest credential.', 'Unlock agent',
      () => api.post(`/api/agents/${api.seg(a.id)}/unlock`));
    if (done) await load();
  }

  async function enable(a) {
    await api.post(`/api/agents/${api.seg(a.id)}/enable`);
    await load();
  }

  async function disable(a) {
    const done = await confirmAction(`Disable ${a.hostname}`,
      'It is refused at its next renewal, and the server stops accepting its current credential at once.', 'Disable agent',
      () => api.post(`/api/agents/${api.seg(a.id)}/disable`));
    if (done) await load();
  }

  await load();
}
