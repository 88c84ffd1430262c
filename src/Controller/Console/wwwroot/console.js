// The controller's web console (issue 16): plain ES modules and SVG, no framework and no build step, so that the
// controller serves it as it is and it works on a machine without internet. Every figure comes from /api/v1; the page
// follows the journal through GET /api/v1/events?watch=true (EventSource reconnects and resumes with Last-Event-ID).

const SVG = 'http://www.w3.org/2000/svg';
const main = document.getElementById('main');
const tokenInput = document.getElementById('token');
const liveBadge = document.getElementById('live');

// --- small helpers -------------------------------------------------------------------------------------------

/** An element with attributes and children; text is always set as text (never parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'style') Object.assign(e.style, v);  // through CSSOM: the CSP allows no style attributes
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function s(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const link = (path, text, attrs = {}) => h('a', { href: path, 'data-link': true, ...attrs }, text);
const hostLink = (host) => link(`/ui/hosts/${encodeURIComponent(host)}`, host);
const placementLink = (id) => link(`/ui/placements/${encodeURIComponent(id)}`, id);

export function bytes(n) {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0; let v = n;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : (Math.round(v * 10) / 10)} ${units[u]}`;
}

/** "1MiB", "64 KiB", "4096", "1G" → bytes; null when it is not a size. */
export function parseSize(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text ?? '');
  if (!m) return null;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase()];
  const n = Math.round(parseFloat(m[1]) * scale);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const time = (t) => new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status; this.problem = problem;
  }
}

async function api(path, { method = 'GET', body, auth = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = sessionStorage.getItem('p2pmem-token');
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

function problemText(e) {
  if (!(e instanceof ApiError)) return String(e.message || e);
  if (e.status === 401) return 'this controller needs a token for this action: enter it in the token field at the top, then try again';
  const fields = e.problem?.errors ? ' (' + Object.entries(e.problem.errors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ') + ')' : '';
  return `${e.status} ${e.problem?.title ?? ''}: ${e.message}${fields}`;
}

/** Replaces the page's content; leaves out absent parts (replaceChildren would print them as "null"). */
function show(...parts) {
  main.replaceChildren(...parts.flat().filter((p) => p !== null && p !== undefined && p !== false));
}

function notFound(what) {
  show(h('h1', {}, 'Not found'), h('p', { class: 'notfound', 'data-notfound': true }, what), h('p', {}, link('/ui', 'Back to the cluster')));
}

// --- the event stream ----------------------------------------------------------------------------------------

const listeners = new Set();
let source;

function connect() {
  // EventSource reconnects by itself after a drop and sends Last-Event-ID: the controller resumes after it.
  source = new EventSource('/api/v1/events?watch=true');
  source.onopen = () => { liveBadge.textContent = 'live'; liveBadge.className = 'live on'; };
  source.onerror = () => { liveBadge.textContent = 'reconnecting…'; liveBadge.className = 'live off'; };
  const kinds = ['requested', 'redecided', 'committed', 'failed', 'release-requested', 'released', 'lost', 'drained', 'undrained', 'host-identified', 'gap'];
  for (const kind of kinds) {
    source.addEventListener(kind, (m) => {
      const event = kind === 'gap' ? { kind } : JSON.parse(m.data);
      window.p2pmemEvents = (window.p2pmemEvents ?? 0) + 1;
      for (const f of listeners) f(event);
    });
  }
}

/** Calls refresh (at most every 300 ms) while the current page shows; a new page drops the previous page's listener. */
function onEvents(refresh, wanted = () => true) {
  listeners.clear();
  let timer = null;
  listeners.add((e) => {
    if (!wanted(e) || timer) return;
    timer = setTimeout(() => { timer = null; refresh(e); }, 300);
  });
}

// --- pages ---------------------------------------------------------------------------------------------------

function usageBar(pool) {
  const used = pool.capacityBytes - pool.availableBytes;
  const pct = pool.capacityBytes > 0 ? (100 * used) / pool.capacityBytes : 0;
  return h('div', { class: 'bar', title: `${pool.provider}: ${bytes(used)} of ${bytes(pool.capacityBytes)} held, ${pool.allocationCount} buffers${pool.unavailable ? ', unavailable: ' + pool.unavailable : ''}` },
    h('div', { class: 'used', style: { width: `${pct.toFixed(2)}%` } }),
    h('span', { class: 'label' }, `${pool.provider}  ${bytes(used)} / ${bytes(pool.capacityBytes)}${pool.unavailable ? '  unavailable' : ''}`));
}

async function clusterPage() {
  const [hosts, events] = await Promise.all([api('/hosts'), api('/events?limit=15')]);
  const rows = hosts.map((x) => h('tr', { 'data-host': x.host },
    h('td', {}, hostLink(x.host)),
    h('td', { class: `status-${x.status}` }, x.status, x.conflict ? h('div', { class: 'muted' }, x.conflict) : null),
    h('td', {}, x.cpuVendor ? `${x.cpuVendor} family ${x.cpuFamily}` : '-'),
    h('td', {}, x.drained ? 'host drained' : (x.drainedProviders.length ? x.drainedProviders.join(', ') : '-')),
    h('td', {}, x.pools.length ? x.pools.map(usageBar) : h('span', { class: 'muted' }, 'no p2pmem')),
    h('td', { class: 'num' }, x.pools.reduce((n, p) => n + p.allocationCount, 0))));
  show(
    h('h1', {}, `Cluster: ${hosts.length} hosts`),
    h('table', { id: 'hosts' }, h('tr', {}, ['Host', 'Status', 'CPU', 'Drains', 'Pools (held / capacity)', 'Buffers held'].map((c) => h('th', {}, c))), rows),
    h('h2', {}, 'Latest events'),
    eventTable(events.events, { placement: true }));
  onEvents(clusterPage);
}

function eventTable(events, { placement = false } = {}) {
  return h('table', { class: 'events' },
    h('tr', {}, ['#', 'Time', 'Kind', 'Who', 'Host', 'Provider', placement ? 'Placement' : null, 'Size', 'Detail'].filter(Boolean).map((c) => h('th', {}, c))),
    events.map((e) => h('tr', { 'data-sequence': e.sequence },
      h('td', { class: 'num' }, e.sequence),
      h('td', {}, time(e.time)),
      h('td', { class: `kind kind-${e.kind}` }, e.kind),
      h('td', {}, e.who),
      h('td', {}, e.host ? hostLink(e.host) : '-'),
      h('td', {}, e.provider ?? '-'),
      placement ? h('td', {}, e.placementId ? placementLink(e.placementId) : '-') : null,
      h('td', { class: 'num' }, e.sizeBytes ? bytes(e.sizeBytes) : '-'),
      h('td', {}, e.detail ?? '', (e.decision?.closer ?? []).map((c) => h('div', { class: 'closer' }, `closer ${c.provider} (${c.level}, distance ${c.distanceSum}) rejected: ${c.reason}`))))));
}

// The PCI tree, laid out as a top-down tree: leaves get columns in address order, a parent sits over its children.
const W = 170; const H = 58; const GAP_X = 16; const GAP_Y = 46;

function kindOf(fn) {
  const cls = fn.class ?? '';
  if (cls.startsWith('0108')) return 'nvme';
  if (cls.startsWith('02')) return 'nic';
  return null;
}

function treeOf(topology) {
  const nodes = new Map();
  for (const b of topology.hostBridges) nodes.set(`pci${b.root}`, { id: `pci${b.root}`, hostBridge: b, children: [] });
  for (const f of topology.functions) nodes.set(f.address, { id: f.address, fn: f, children: [] });
  const roots = [];
  for (const node of nodes.values()) {
    if (node.hostBridge) { roots.push(node); continue; }
    const parent = node.fn.parent ? nodes.get(node.fn.parent) : nodes.get(`pci${node.fn.address.slice(0, 7)}`);
    (parent ?? { children: roots }).children.push(node);
  }
  const byAddress = (a, b) => a.id.localeCompare(b.id);
  let column = 0;
  const place = (node, depth) => {
    node.children.sort(byAddress);
    node.depth = depth;
    if (node.children.length === 0) { node.x = column++; return; }
    node.children.forEach((c) => place(c, depth + 1));
    node.x = (node.children[0].x + node.children[node.children.length - 1].x) / 2;
  };
  roots.sort(byAddress).forEach((r) => place(r, 0));
  return { roots, nodes, columns: column };
}

function drawTree(topology, { onPick }) {
  const { roots, nodes, columns } = treeOf(topology);
  const depth = Math.max(...[...nodes.values()].map((n) => n.depth)) + 1;
  const width = Math.max(1, columns) * (W + GAP_X) + GAP_X;
  const height = depth * (H + GAP_Y) + GAP_Y / 2;
  const px = (n) => GAP_X + n.x * (W + GAP_X);
  const py = (n) => GAP_Y / 2 + n.depth * (H + GAP_Y);
  const edges = s('g');
  const boxes = s('g');
  const draw = (node) => {
    for (const child of node.children) {
      const x1 = px(node) + W / 2; const y1 = py(node) + H; const x2 = px(child) + W / 2; const y2 = py(child);
      edges.append(s('path', { class: 'edge', d: `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}` }));
      const l = child.fn?.link;
      if (l) edges.append(s('text', { class: 'edge-label', x: x2 + 4, y: y2 - 6 }, `${l.speed} GT/s x${l.width}${l.speed < l.maxSpeed || l.width < l.maxWidth ? ` (of ${l.maxSpeed} x${l.maxWidth})` : ''}`));
      draw(child);
    }
    boxes.append(box(node));
  };
  const box = (node) => {
    const x = px(node); const y = py(node);
    if (node.hostBridge) {
      const b = node.hostBridge;
      return s('g', { class: 'fn hostbridge', 'data-hostbridge': b.root, transform: `translate(${x},${y})` },
        s('rect', { width: W, height: H, rx: 6 }),
        s('text', { x: 8, y: 20 }, `host bridge pci${b.root}`),
        s('text', { x: 8, y: 38 }, `NUMA node ${b.numaNode ?? '?'}`));
    }
    const f = node.fn;
    const kind = kindOf(f);
    const bridge = f.kind !== 'endpoint';
    const classes = ['fn', bridge ? 'bridge' : 'endpoint', kind, f.p2pmem ? 'provider' : null].filter(Boolean).join(' ');
    const name = (f.osNames && f.osNames.length ? f.osNames.join(', ') : null) ?? f.label ?? '';
    const what = { rootPort: 'root port', switchUpstream: 'switch up', switchDownstream: 'switch down', endpoint: kind === 'nvme' ? 'NVMe' : kind === 'nic' ? 'NIC' : 'endpoint' }[f.kind] ?? f.kind;
    const g = s('g', { class: classes, 'data-address': f.address, transform: `translate(${x},${y})` },
      s('title', {}, `${f.address} ${what}${f.label ? ' — ' + f.label : ''}${f.p2pmem ? `\np2pmem ${bytes(f.p2pmem.size)}${f.p2pmem.published ? '' : ' (not published)'}` : ''}${f.acsRedirect ? '\nACS redirect on: peer traffic goes up to the root' : ''}`),
      s('rect', { width: W, height: H, rx: 5 }),
      s('text', { class: 'addr', x: 7, y: 15 }, f.address),
      s('text', { class: 'badge kind', x: W - 7, y: 15, 'text-anchor': 'end' }, what),
      s('text', { x: 7, y: 32 }, name.length > 26 ? name.slice(0, 25) + '…' : name),
      f.p2pmem ? s('text', { class: 'badge', x: 7, y: 49, fill: '#12805c' }, `p2pmem ${bytes(f.p2pmem.size)}${f.p2pmem.published ? '' : ' unpublished'}`) : null,
      f.acsRedirect ? s('text', { class: 'badge acs', x: W - 7, y: 49, 'text-anchor': 'end' }, 'ACS redirect') : null);
    if (!bridge) g.addEventListener('click', () => onPick(f.address, g));
    return g;
  };
  roots.forEach(draw);
  return s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `PCI tree of ${topology.host}` }, edges, boxes);
}

function poolExtents(pool, host) {
  const extents = h('div', { class: 'extents', 'data-pool': pool.provider, title: `${pool.provider}: ${bytes(pool.capacityBytes)}` });
  for (const a of pool.allocations) {
    const left = (100 * a.offset) / pool.capacityBytes; const width = (100 * a.length) / pool.capacityBytes;
    extents.append(h('a', {
      href: `/ui/placements/${encodeURIComponent(a.allocationId)}`, 'data-link': true, 'data-extent': a.allocationId,
      style: { left: `${left.toFixed(3)}%`, width: `${width.toFixed(3)}%` }, title: `${a.allocationId}: ${bytes(a.length)} at offset ${a.offset}`,
    }));
  }
  return h('div', {},
    h('strong', {}, pool.provider), ' ',
    h('span', { class: 'muted' }, `${bytes(pool.capacityBytes - pool.availableBytes)} held of ${bytes(pool.capacityBytes)} in ${pool.allocationCount} buffers; largest free ${bytes(pool.largestFreeExtentBytes)}${pool.unavailable ? '; unavailable: ' + pool.unavailable : ''}`),
    extents);
}

function matrixTable(m) {
  const name = (i) => (m.details?.[i]?.osNames?.length ? `${m.devices[i]} (${m.details[i].osNames[0]})` : m.devices[i]);
  return h('table', { class: 'matrix' },
    h('tr', {}, h('th', {}, 'provider \\ client'), m.devices.map((d) => h('th', {}, d))),
    m.levels.map((row, i) => h('tr', {}, h('th', {}, name(i)), row.map((lvl, j) => h('td', { class: `lvl-${lvl}`, title: m.mapTypes[i][j] }, lvl)))));
}

async function hostPage(host) {
  let view;
  try {
    view = await api(`/hosts/${encodeURIComponent(host)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return notFound(`There is no host '${host}' in this cluster: ${e.message}`);
    throw e;
  }
  const [topology, pools, matrix] = await Promise.all([
    api(`/hosts/${encodeURIComponent(host)}/topology`),
    api(`/hosts/${encodeURIComponent(host)}/pools`).catch((e) => ({ pools: view.pools.map((p) => ({ ...p, allocations: [] })), error: problemText(e) })),
    api(`/hosts/${encodeURIComponent(host)}/matrix`)]);
  const clients = new Set();
  const chips = h('div', { class: 'chips', id: 'clients' });
  const showClients = () => chips.replaceChildren(...(clients.size ? [...clients].map((c) => h('span', { class: 'chip' }, c)) : [h('span', { class: 'muted' }, 'click NICs, drives or other endpoints on the picture')]));
  const svg = drawTree(topology, {
    onPick: (address, g) => {
      if (clients.has(address)) clients.delete(address); else clients.add(address);
      g.classList.toggle('client', clients.has(address));
      showClients();
    },
  });
  showClients();
  const size = h('input', { id: 'size', value: '1MiB', size: 8 });
  const mode = h('select', { id: 'mode' }, ['orchestrator', 'kernel', 'rfc2017'].map((m) => h('option', { value: m }, m)));
  const result = h('div', { id: 'explanation' });
  const body = () => {
    const bytesWanted = parseSize(size.value);
    if (!bytesWanted) throw new Error(`'${size.value}' is not a size (e.g. 4096, 64KiB, 1MiB)`);
    if (!clients.size) throw new Error('pick at least one client on the picture');
    return { host, clients: [...clients], sizeBytes: bytesWanted, policy: { mode: mode.value } };
  };
  const explain = async () => {
    try {
      const answer = await api('/placements/explain', { method: 'POST', body: body() });
      showExplanation(answer, svg, result);
    } catch (e) { result.replaceChildren(h('div', { class: 'notice error' }, problemText(e))); }
  };
  const place = async () => {
    try {
      const answer = await api('/placements', { method: 'POST', body: body(), auth: true });
      result.replaceChildren(h('div', { class: 'notice', id: 'placed' }, 'placed ', placementLink(answer.placement.placementId), ` on ${answer.placement.provider} at offset ${answer.placement.offset}`));
    } catch (e) {
      result.replaceChildren(h('div', { class: 'notice error', id: 'action-error' }, problemText(e)));
      if (e instanceof ApiError && e.status === 401) tokenInput.focus();
    }
  };
  show(
    h('h1', {}, `Host ${host} `, h('span', { class: `status-${view.status}` }, view.status)),
    h('p', { class: 'muted' }, `${view.cpuVendor ?? 'unknown CPU'}${view.cpuFamily ? ' family ' + view.cpuFamily : ''}; ${topology.functions.length} PCI functions; `,
      view.drained ? 'drained' : 'not drained', view.drainedProviders.length ? `; drained providers ${view.drainedProviders.join(', ')}` : ''),
    h('h2', {}, 'PCI tree'),
    h('p', { class: 'muted' }, 'Blue: NVMe, orange: NICs, green fill: p2pmem providers; edges carry the link rate × width; click endpoints to pick clients.'),
    h('div', { class: 'tree', id: 'tree' }, svg),
    h('h2', {}, 'Explain a placement'),
    h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); explain(); } },
      h('label', {}, 'clients', chips), h('label', {}, 'size', size), h('label', {}, 'mode', mode),
      h('button', { type: 'submit', class: 'primary', id: 'explain' }, 'Explain'),
      h('button', { type: 'button', id: 'place', onclick: place }, 'Place')),
    result,
    h('h2', {}, 'Pools'),
    pools.error ? h('div', { class: 'notice error' }, `the node's pools could not be read: ${pools.error}`) : null,
    h('div', { id: 'pools' }, pools.pools.length ? pools.pools.map((p) => poolExtents(p, host)) : h('p', { class: 'muted' }, 'no p2pmem on this host')),
    h('h2', {}, 'Level matrix'),
    matrixTable(matrix));
  onEvents(async () => {
    // Only the pools change with placements: the picture, the picked clients and the explanation stay.
    const fresh = await api(`/hosts/${encodeURIComponent(host)}/pools`).catch(() => null);
    const target = document.getElementById('pools');
    if (fresh && target) target.replaceChildren(...fresh.pools.map((p) => poolExtents(p, host)));
  }, (e) => e.host === host);
}

function showExplanation(answer, svg, result) {
  for (const g of svg.querySelectorAll('.fn')) {
    g.classList.remove('cand-chosen', 'cand-eligible', 'cand-rejected');
    g.querySelector('.badge.rank')?.remove();
  }
  for (const c of answer.candidates) {
    const g = svg.querySelector(`.fn[data-address="${c.provider}"]`);
    if (!g) continue;
    g.classList.add(c.provider === answer.provider ? 'cand-chosen' : c.eligible ? 'cand-eligible' : 'cand-rejected');
    g.querySelector('title').textContent += `\n${c.eligible ? 'rank ' + c.rank : 'rejected'}: ${c.reason}`;
    g.append(s('text', { class: 'badge rank', x: W - 7, y: 32, 'text-anchor': 'end' }, c.eligible ? `#${c.rank}` : '✗'));
  }
  result.replaceChildren(
    h('p', {}, answer.provider ? ['chosen: ', h('strong', { id: 'chosen' }, answer.provider)] : h('strong', { id: 'chosen' }, 'no provider fits'),
      answer.warnings.length ? h('span', { class: 'muted' }, ' — ' + answer.warnings.join('; ')) : null),
    h('table', { id: 'candidates' },
      h('tr', {}, ['Rank', 'Provider', 'Level', 'Distance', 'Bottleneck', 'Largest free', 'Reason'].map((c) => h('th', {}, c))),
      answer.candidates.map((c) => h('tr', { 'data-provider': c.provider, 'data-eligible': String(c.eligible), 'data-rank': c.rank },
        h('td', { class: 'num' }, c.eligible ? c.rank : '-'),
        h('td', {}, c.provider, c.providerName ? ` (${c.providerName})` : ''),
        h('td', {}, c.level), h('td', { class: 'num' }, c.distanceSum),
        h('td', {}, c.bottleneck?.text ?? '-'), h('td', { class: 'num' }, bytes(c.largestFreeExtentBytes)),
        h('td', {}, c.reason)))));
}

async function placementsPage(query) {
  const params = new URLSearchParams(query);
  const form = h('form', { class: 'inline', id: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(e.target)) if (v) next.set(k, v);
    go(`/ui/placements${next.size ? '?' + next : ''}`);
  } },
  h('label', {}, 'host', h('input', { name: 'host', value: params.get('host') ?? '' })),
  h('label', {}, 'state', h('select', { name: 'state' }, ['', 'pending', 'committed', 'releasing', 'released', 'failed', 'lost'].map((v) => h('option', { value: v, selected: params.get('state') === v }, v || 'any')))),
  h('label', {}, 'nvmet', h('select', { name: 'nvmet' }, ['', 'applied', 'pending-disable', 'missing', 'drift', 'error'].map((v) => h('option', { value: v, selected: params.get('nvmet') === v }, v || 'any')))),
  h('button', { type: 'submit' }, 'Filter'));
  const api_query = new URLSearchParams({ limit: '1000' });
  for (const k of ['host', 'state', 'nvmet']) if (params.get(k)) api_query.set(k, params.get(k));
  let page;
  try {
    page = await api(`/placements?${api_query}`);
  } catch (e) {
    show(h('h1', {}, 'Placements'), form, h('div', { class: 'notice error' }, problemText(e)));
    return;
  }
  show(
    h('h1', {}, `Placements (${page.total})`), form,
    h('table', { id: 'placements' },
      h('tr', {}, ['Placement', 'Host', 'Provider', 'State', 'nvmet', 'Size', 'Clients', 'Reason'].map((c) => h('th', {}, c))),
      page.items.map((p) => h('tr', { 'data-placement': p.placementId },
        h('td', {}, placementLink(p.placementId)), h('td', {}, hostLink(p.host)), h('td', {}, p.provider),
        h('td', { class: `kind-${p.state}` }, p.state + (p.affected ? ' (affected)' : '')),
        h('td', {}, p.nvmet ? p.nvmet.state : (p.nvmeof?.apply ? '?' : '-')),
        h('td', { class: 'num' }, bytes(p.sizeBytes)), h('td', {}, p.clients.join(', ')), h('td', {}, p.reason ?? '')))),
    page.items.length ? null : h('p', { class: 'muted' }, 'no placements match'),
    page.items.length < page.total ? h('p', { class: 'muted' }, `the first ${page.items.length} of ${page.total} in id order; filter by host or state for the others`) : null);
  onEvents(() => placementsPage(query), (e) => e.placementId);
}

async function placementPage(id) {
  let p;
  try {
    p = await api(`/placements/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return notFound(`There is no placement '${id}': ${e.message}`);
    throw e;
  }
  const history = await api(`/placements/${encodeURIComponent(id)}/history`);
  const message = h('div', {});
  const release = async () => {
    try {
      await api(`/placements/${encodeURIComponent(id)}`, { method: 'DELETE', auth: true });
      await placementPage(id);
    } catch (e) {
      message.replaceChildren(h('div', { class: 'notice error', id: 'action-error' }, problemText(e)));
      if (e instanceof ApiError && e.status === 401) tokenInput.focus();
    }
  };
  const rows = [
    ['State', p.state + (p.reason ? ` (${p.reason})` : '')], ['Host', hostLink(p.host)], ['Provider', p.provider],
    ['Offset, length', p.offset === null ? '-' : `${p.offset}, ${p.length}`], ['Size', bytes(p.sizeBytes)], ['Clients', p.clients.join(', ')],
    ['Mode', p.mode], ['NVMe-oF', p.nvmeof ? `${p.nvmeof.subsystemNqn}/${p.nvmeof.namespaceId}` : '-'],
    ['nvmet', p.nvmet ? `${p.nvmet.state}${p.nvmet.detail ? ': ' + p.nvmet.detail : ''}` : '-'],
  ];
  show(
    h('h1', {}, `Placement ${id}`),
    h('table', { id: 'placement' }, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))),
    p.state === 'committed' ? h('p', {}, h('button', { id: 'release', onclick: release }, 'Release')) : null,
    message,
    h('h2', {}, 'History'),
    history.warnings.map((w) => h('div', { class: 'notice' }, w)),
    h('div', { id: 'history' }, eventTable(history.events)));
  onEvents(() => placementPage(id), (e) => e.placementId === id);
}

async function eventsPage() {
  const page = await api('/events?limit=200');
  show(h('h1', {}, 'History'),
    page.warnings.map((w) => h('div', { class: 'notice error' }, w)),
    h('p', { class: 'muted' }, `newest first; events from sequence ${page.oldestRetained} are held (older ones were compacted with the journal)`),
    h('div', { id: 'events' }, eventTable(page.events, { placement: true })));
  onEvents(eventsPage);
}

// --- routing -------------------------------------------------------------------------------------------------

async function render() {
  const path = decodeURIComponent(location.pathname.replace(/^\/ui\/?/, ''));
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts.length === 0) await clusterPage();
    else if (parts[0] === 'hosts' && parts.length === 2) await hostPage(parts[1]);
    else if (parts[0] === 'placements' && parts.length === 1) await placementsPage(location.search);
    else if (parts[0] === 'placements' && parts.length === 2) await placementPage(parts[1]);
    else if (parts[0] === 'events' && parts.length === 1) await eventsPage();
    else notFound(`There is no page '/ui/${path}'.`);
  } catch (e) {
    show(h('div', { class: 'notice error' }, `The controller could not be read: ${problemText(e)}`));
    onEvents(render);  // try again with the next event
  }
  document.body.dataset.ready = location.pathname + location.search;
}

function go(path) {
  history.pushState(null, '', path);
  render();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', render);
tokenInput.value = sessionStorage.getItem('p2pmem-token') ?? '';
tokenInput.addEventListener('change', () => {
  if (tokenInput.value) sessionStorage.setItem('p2pmem-token', tokenInput.value); else sessionStorage.removeItem('p2pmem-token');
});
connect();
render();
