// The web console: a plain client of the API, without a framework or a build step. Tokens live in
// this page's memory only (never localStorage or a cookie): closing the tab signs out, and no cookie
// can be forged (no CSRF). Only the device token of a sign-in is kept (it signs nobody in alone).
// Every view is static markup in index.html; this file fills and wires it (security.js: two-step
// sign-in and step-up).

const apiKey = document.querySelector('meta[name="api-key"]').content;
const $ = (id) => document.getElementById(id);
// `generation` counts sign-outs: an answer to a request of an ended session is ignored. `totp`: whether
// the account has an authenticator (read from GET /me/totp at sign-in, kept as it changes here).
const auth = { access: null, refresh: null, user: null, timer: 0, generation: 0, totp: false };

// ---- HTTP -----------------------------------------------------------------------------------

function unreadable(status) {
  if (status === 429) return 'Too many requests right now.';
  if (status >= 500) return `The API is not answering properly right now (HTTP ${status}). Please try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

/** One request. Never throws: a network failure or a body that is not problem+json becomes a plain message. */
async function send(method, path, { body, raw, headers = {}, signed = true } = {}) {
  const init = { method, headers: { 'x-api-key': apiKey, ...headers } };
  if (signed && auth.access) init.headers.authorization = `Bearer ${auth.access}`;
  if (body !== undefined || raw !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = raw ?? JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(new URL(path, document.baseURI), init);
  } catch {
    return { ok: false, status: 0, data: { detail: 'The API could not be reached. Check your connection and try again.' } };
  }
  const text = await response.text().catch(() => '');
  let data;
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
  }
  if (!response.ok && typeof data?.detail !== 'string') data = { detail: unreadable(response.status) };
  const wait = response.headers.get('retry-after');
  if (response.status === 429 && wait && !/try again/i.test(data.detail)) data = { ...data, detail: `${data.detail} Try again in ${wait} seconds.` };
  return { ok: response.ok, status: response.status, data, text, etag: response.headers.get('etag') };
}

/** A signed request: on a 401 the tokens are renewed once (unless another request already did) and it is sent again. */
async function api(method, path, options = {}) {
  const token = auth.access;
  const result = await send(method, path, options);
  if (result.status !== 401 || !token) return result;
  if (auth.access === token && !(await renew())) return { ...result, ended: !auth.access };
  return auth.access ? send(method, path, options) : { ...result, ended: true };
}

let renewing = null;
/** Exchanges the refresh token for a new pair; one exchange at a time (a refresh token works once). */
function renew() {
  renewing ??= (async () => {
    const session = auth.generation;
    const result = await send('POST', 'auth/token', { body: { refresh_token: auth.refresh }, signed: false });
    if (session !== auth.generation) return false; // signed out meanwhile: the answer belongs to an ended session
    if (result.ok) keepTokens(result.data);
    else if (result.status === 400 || result.status === 401) endSession('Your session has ended. Please sign in again.', 'error');
    return result.ok;
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

/** Keeps a token pair and renews it a minute before the access token expires. */
function keepTokens({ access_token, refresh_token, expires_in }) {
  auth.access = access_token;
  auth.refresh = refresh_token;
  clearTimeout(auth.timer);
  auth.timer = setTimeout(renew, Math.max(expires_in - 60, expires_in / 2) * 1000);
  $('token').value = access_token;
  $('token-expiry').textContent = new Date(Date.now() + expires_in * 1000).toLocaleTimeString();
}

// ---- Recognised devices ---------------------------------------------------------------------

/**
 * The device token a sign-in gives this browser, kept per account (under a hash of each name it signs
 * in with, not the name) and sent with the next sign-in and with the current password: attempts from
 * this browser are judged on its own record, not slowed by failures elsewhere. Alone it signs nobody
 * in, so it may outlive the page, unlike the session's tokens.
 */
const DEVICE_TOKEN = /^[\w-]{43}$/;
async function deviceSlot(name) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(name.trim().toLowerCase()));
  return `device:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The device token kept for the account `name` (an email or username) signs in to, if any. */
async function deviceToken(name) {
  try {
    const token = localStorage.getItem(await deviceSlot(name));
    return DEVICE_TOKEN.test(token ?? '') ? token : undefined;
  } catch {
    return undefined; // no storage, or no hashing (a page not served over HTTPS or from localhost)
  }
}

/** Keeps `token` for the account under each name it signs in with; none kept when `token` is absent. */
async function keepDevice(user, token, keep = true) {
  if (keep && !DEVICE_TOKEN.test(token ?? '')) return;
  try {
    for (const name of [user.email, user.username].filter(Boolean)) {
      if (keep) localStorage.setItem(await deviceSlot(name), token);
      else localStorage.removeItem(await deviceSlot(name));
    }
  } catch {
    // Storage refused (private mode, a non-secure page): sign-ins work, only less resistant to lock-outs.
  }
}
const forgetDevice = (user) => keepDevice(user, undefined, false);

/** The device token moves to a new email: the old one no longer names this account. */
async function moveDevice(before, after) {
  const kept = await deviceToken(before.email);
  await forgetDevice({ email: before.email });
  await keepDevice(after, kept);
}

// ---- Words and feedback ---------------------------------------------------------------------

/** The API's field messages that say more in other words here (the rest are shown as they are). */
const PLAIN = [
  [/^Required$/, () => 'This field is required.'],
  [/^Invalid email address$/, () => 'Enter an email address, such as jane@example.com.'],
  [/^Unknown field$/, () => 'This field is not accepted here.'],
  [/^Date must be a real date as YYYY-MM-DD$/, () => 'Enter a real date.'],
];

/** Counts in digit groups ("at most 1,000 keys"); dates, times and card digits left alone. */
const grouped = (text) => String(text).replace(/(?<![-/:.\d])\d{4,}(?![-/:.\d])/g, (n) => Number(n).toLocaleString('en-US'));

function plain(message, field) {
  for (const [pattern, words] of PLAIN) {
    const match = pattern.exec(message);
    if (match) return words(...match.slice(1));
  }
  if (/^Invalid\b/.test(message)) return field?.dataset.hint ?? 'This value is not valid here.';
  return grouped(message);
}

/** The API's details that name a route where the console has a place for it. */
const inConsoleWords = (detail) =>
  /^Set up a second factor first/.test(detail)
    ? 'Administrator views need two-step sign-in: set up an authenticator app under Profile & security first.'
    : detail;

const statusOf = (node) => node.closest('.panel, dialog')?.querySelector('.status');

/** Feedback in the panel of `where` (a status element, or anything inside a panel). */
function say(where, text, kind = 'ok') {
  const status = where.classList.contains('status') ? where : statusOf(where);
  if (!status) return undefined;
  status.textContent = text;
  status.className = `status ${text ? kind : ''}`;
  return status;
}

/** Feedback on a finished action, with focus on it. */
const done = (where, text, kind = 'ok') => say(where, text, kind)?.focus();

function clearErrors(form) {
  if (!form) return;
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
    const kept = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.endsWith('-error'));
    if (kept.length) field.setAttribute('aria-describedby', kept.join(' '));
    else field.removeAttribute('aria-describedby');
  }
}

/** A message as a sentence: it ends with a full stop (or its own question or exclamation mark). */
const sentence = (text) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/** Marks a field invalid with its messages under it, one list item each (linked by aria-describedby). */
function markInvalid(field, message) {
  const id = `${field.id}-error`;
  const item = document.createElement('li');
  item.textContent = sentence(message);
  let note = $(id);
  if (note) {
    if (![...note.children].some((li) => li.textContent === item.textContent)) note.append(item);
    return;
  }
  note = document.createElement('ul');
  note.className = 'field-error';
  note.id = id;
  note.append(item);
  (field.parentElement.classList.contains('with-button') ? field.parentElement : field).after(note);
  field.setAttribute('aria-invalid', 'true');
  field.setAttribute('aria-describedby', [field.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
}

const labelOf = (field, name) => (field?.labels?.[0]?.textContent ?? name.replaceAll('_', ' ')).replace(/ \(.*\)$/, '');

/** Shows a failed request in plain words: each field error under its field, the rest in the panel's status. */
function report(where, result) {
  if (result.ended) return; // the session ended meanwhile: the sign-in view says why
  const form = where.closest('form');
  clearErrors(form);
  const { detail = '', errors = [] } = result.data ?? {};
  const elsewhere = [];
  let first;
  for (const { path, message } of errors) {
    const name = path.split('.').slice(1).join('.');
    const field = name && form?.querySelector(`[name="${CSS.escape(name)}"], [data-field~="${CSS.escape(name)}"]`);
    const text = plain(message, field);
    if (field && !field.disabled && !field.readOnly) {
      markInvalid(field, text);
      first ??= field;
    } else elsewhere.push(name ? `${labelOf(field, name)}: ${text}` : text);
  }
  // A validator's summary ("The request body is invalid: …") says less than the fields do.
  const lead = /^(The request \w+ is invalid|Unknown field)/.test(detail)
    ? first
      ? 'Please correct the marked fields.'
      : ''
    : grouped(inConsoleWords(detail));
  const status = say(where, [lead, ...elsewhere].filter(Boolean).join('\n'), 'error');
  (first ?? status)?.focus();
}

/** Fields the form requires but are empty: marked, and the first focused. True when all are filled. */
function filled(form) {
  clearErrors(form);
  const empty = [...form.querySelectorAll('[required]')].filter((field) => !field.disabled && !field.value.trim());
  for (const field of empty) markInvalid(field, 'This field is required.');
  if (empty.length) {
    say(form, 'Please fill in the marked fields.', 'error');
    empty[0].focus();
  }
  return empty.length === 0;
}

/** Runs an action with its control disabled and marked busy: a second click or Enter does nothing meanwhile. */
async function busy(control, task) {
  if (control.getAttribute('aria-busy') === 'true') return;
  control.setAttribute('aria-busy', 'true');
  control.disabled = true;
  try {
    await task();
  } catch (error) {
    console.error(error);
    done(control, 'Something went wrong in the console. Please try again.', 'error');
  } finally {
    control.removeAttribute('aria-busy');
    control.disabled = false;
    if (document.activeElement === document.body && !control.closest('[hidden]')) control.focus();
  }
}

/** The form's values by name, trimmed (passwords and keys as typed). */
function valuesOf(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled || field.readOnly) continue;
    values[field.name] = field.type === 'password' || field.dataset.exact !== undefined ? field.value : field.value.trim();
  }
  return values;
}

/** Handles a form's submission (required fields first) with its submit button busy. */
function onSubmit(form, handler) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = event.submitter ?? form.querySelector('[type="submit"]');
    busy(button, async () => {
      say(form, '');
      if (filled(form)) await handler(valuesOf(form), form);
    });
  });
}

const onClick = (id, task) => $(id).addEventListener('click', (event) => busy(event.currentTarget, task));

/** Asks before something that cannot be undone. */
function confirmed(title, text, ok) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}
$('confirm-ok').addEventListener('click', () => $('confirm').close('ok'));
$('confirm-cancel').addEventListener('click', () => $('confirm').close('cancel'));

// ---- Building rows --------------------------------------------------------------------------

/** Text that wraps after separators (/ . _ - : @) rather than mid-word. */
function breakable(text) {
  const parts = String(text).split(/(?<=[/._\-:@])/);
  return parts.flatMap((part, i) => (i ? [document.createElement('wbr'), part] : [part]));
}

/** A link to `hash`; `whole`: its text never breaks (an amount, a name in a narrow cell). */
function link(hash, text, whole = false) {
  const a = document.createElement('a');
  a.href = hash;
  a.append(...(whole ? [text] : breakable(text)));
  return a;
}

/** A date and time that sorts by its instant. */
function time(iso, format = when) {
  const node = document.createElement('time');
  node.dateTime = iso;
  node.textContent = format(iso);
  return node;
}

/** An id with a button that copies it to the clipboard (and says so); `shown`: how it reads on the page. */
function copyable(text, what, shown = text) {
  const span = document.createElement('span');
  span.className = 'copyable';
  const code = document.createElement('code');
  code.append(...breakable(shown));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'quiet copy';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', `Copy ${what}`);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
      button.setAttribute('aria-label', `Copied ${what}`);
    } catch {
      button.textContent = 'Copy failed: select the id';
    }
    setTimeout(() => {
      button.textContent = 'Copy';
      button.setAttribute('aria-label', `Copy ${what}`);
    }, 2000);
  });
  span.append(code, button);
  return span;
}

function badge(text) {
  const span = document.createElement('span');
  span.className = `badge ${text}`;
  span.textContent = text;
  return span;
}

function row(...cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.append(...(Array.isArray(cell) ? cell : [cell]));
    // Text with break points (keys, emails) wraps there, dates between words; amounts and roles stay whole.
    td.className = td.querySelector('wbr') ? 'long' : td.querySelector('time') ? '' : 'whole';
    tr.append(td);
  }
  return tr;
}

function describe(dl, entries) {
  dl.replaceChildren(
    ...entries
      .filter(([, value]) => value !== undefined && value !== '')
      .flatMap(([term, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.append(...(value instanceof Node ? [value] : breakable(value)));
        return [dt, dd];
      }),
  );
}

const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = (iso) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function money(amount, currency) {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** An amount with its currency's decimals ("12.50" USD, "500" JPY), as a form shows it. */
function decimal(amount, currency) {
  try {
    return amount.toFixed(new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits);
  } catch {
    return String(amount);
  }
}

/** A paged list: a table body, its empty state and its "Show more" button; the panel's status for errors. */
function pagedList(name, path, toRow, noun) {
  const body = $(`${name}-list`);
  const more = $(`${name}-more`);
  const empty = $(`${name}-empty`);
  const state = { cursor: null, query: {}, loaded: false };
  const tools = noun && listTools(name, body, noun, () => state.cursor);
  async function load(append = false) {
    const query = new URLSearchParams({ limit: '20', ...state.query, ...(append && { cursor: state.cursor }) });
    const result = await api('GET', `${path}?${query}`);
    if (!result.ok) return report(body, result);
    if (statusOf(body)?.classList.contains('error')) say(body, ''); // an earlier failure is over
    const rows = result.data.items.map(toRow);
    if (append) body.append(...rows);
    else body.replaceChildren(...rows);
    state.cursor = result.data.next_cursor;
    state.loaded = true;
    more.hidden = !state.cursor;
    empty.hidden = body.children.length > 0;
    tools?.refresh();
    if (append) rows[0]?.querySelector('a, button')?.focus();
  }
  more.addEventListener('click', () => busy(more, () => load(true)));
  return {
    load,
    state,
    clear() {
      body.replaceChildren();
      Object.assign(state, { cursor: null, query: {}, loaded: false });
      more.hidden = true;
      empty.hidden = true;
      tools?.refresh();
    },
  };
}

const plural = (n, noun) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
const sortKey = (cell) => cell?.querySelector('time')?.dateTime ?? cell?.textContent.trim() ?? '';

/**
 * A list's filter box, sortable column headings and count (of the rows loaded; "more" when the API has
 * further pages). Filtering and sorting act on the loaded rows only, and say so.
 */
function listTools(name, body, noun, hasMore) {
  const table = body.closest('table');
  const bar = document.createElement('div');
  bar.className = 'list-tools';
  const label = document.createElement('label');
  label.htmlFor = `${name}-search`;
  label.textContent = `Filter ${noun}s`;
  const search = document.createElement('input');
  search.id = `${name}-search`;
  search.type = 'search';
  search.autocomplete = 'off';
  const count = document.createElement('p');
  count.id = `${name}-count`;
  count.className = 'count';
  count.setAttribute('aria-live', 'polite');
  const field = document.createElement('div');
  field.append(label, search);
  bar.append(field, count);
  table.before(bar);
  const wrap = document.createElement('div');
  wrap.className = 'table-scroll';
  table.before(wrap);
  wrap.append(table);

  const sort = { column: -1, direction: 1 };
  const headings = [...table.tHead.rows[0].cells];
  headings.forEach((th, column) => {
    if (!th.textContent.trim() || th.querySelector('.visually-hidden')) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.textContent = th.textContent;
    th.replaceChildren(button);
    button.addEventListener('click', () => {
      sort.direction = sort.column === column ? -sort.direction : 1;
      sort.column = column;
      for (const other of headings) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', sort.direction === 1 ? 'ascending' : 'descending');
      refresh();
    });
  });

  function refresh() {
    const rows = [...body.rows];
    if (sort.column >= 0) {
      rows.sort((a, b) => sort.direction * sortKey(a.cells[sort.column]).localeCompare(sortKey(b.cells[sort.column]), 'en', { numeric: true }));
      body.append(...rows);
    }
    const needle = search.value.trim().toLowerCase();
    let shown = 0;
    for (const tr of rows) {
      tr.hidden = Boolean(needle) && !tr.textContent.toLowerCase().includes(needle);
      if (!tr.hidden) shown++;
    }
    const more = hasMore() ? ' loaded; more to show' : '';
    count.textContent = !rows.length ? '' : needle ? `${shown} of ${plural(rows.length, noun)}${more}` : `${plural(rows.length, noun)}${more}`;
  }
  search.addEventListener('input', refresh);
  return { refresh };
}

/** Marks the row whose link goes to `hash`. */
function select(tbody, hash) {
  for (const tr of tbody.rows) tr.classList.toggle('selected', tr.querySelector('a')?.getAttribute('href') === hash);
}

// ---- Views and navigation -------------------------------------------------------------------

const views = {}; // name → { enter(), open(id) }
let currentView = null;

/** Puts a hash in the address bar without a hashchange (the page's own URL, whatever <base> says). */
const setHash = (hash) => history.pushState(null, '', location.href.split('#')[0] + hash);

function showView(name) {
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== `view-${name}`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${$(`view-${name}`).querySelector('h1').textContent} · User-data console`;
}

const heading = (name) => $(`view-${name}`).querySelector('h1');

function route() {
  if (!auth.access) return;
  let [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  if (!views[name] || (name === 'users' && auth.user.role !== 'admin')) [name, rest] = ['profile', []];
  const id = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  const changed = name !== currentView;
  currentView = name;
  showView(name);
  if (changed) views[name].enter();
  if (id !== undefined && views[name].open) views[name].open(id);
  else if (changed) heading(name).focus();
}

window.addEventListener('hashchange', () => openLanding() || route());
// In-page links: handled here, since <base> would resolve them against the API's root, not this page.
document.addEventListener('click', (event) => {
  const a = event.target.closest('a[href^="#"]');
  if (!a) return;
  event.preventDefault();
  const hash = a.getAttribute('href');
  if (hash === '#main') return $('main').focus();
  if (hash === location.hash) route();
  else location.hash = hash;
});

// ---- Signing in and out ---------------------------------------------------------------------

function showUser(user) {
  auth.user = user;
  const admin = user.role === 'admin';
  $('who').textContent = `Signed in as ${user.name} (${user.email})${admin ? ', administrator' : ''}`;
  for (const field of PROFILE_FIELDS) $(`profile-${field}`).value = user[field] ?? '';
  $('credentials-email').value = user.email;
  $('profile-version').textContent = String(user.version);
  $('nav-users').hidden = !admin;
  for (const node of document.querySelectorAll('.admin-only')) node.hidden = !admin;
}

/** A session begins. */
function signIn(data) {
  keepTokens(data);
  keepDevice(data.user, data.device_token);
  showUser(data.user);
  loadTotp();
  for (const node of ['nav', 'sign-out']) $(node).hidden = false;
  document.querySelector('.shell').classList.add('with-nav');
  $('view-signin').hidden = true;
  currentView = null;
  if (!location.hash.startsWith('#/')) setHash('#/profile');
  route();
}

/** Forgets the session and everything shown of it; the sign-in view says why. */
function endSession(message, kind = 'ok') {
  auth.generation += 1;
  clearTimeout(auth.timer);
  Object.assign(auth, { access: null, refresh: null, user: null });
  currentView = null;
  for (const form of document.querySelectorAll('form')) {
    form.reset();
    clearErrors(form);
  }
  for (const status of document.querySelectorAll('.status')) say(status, '');
  for (const list of lists) list.clear();
  for (const id of ['record-panel', 'payment-panel', 'user-panel', 'nav', 'sign-out']) $(id).hidden = true;
  $('lookup-results').replaceChildren();
  leaveSecondFactor();
  showSignUp();
  resetSecurity();
  kvEditor('', null);
  $('token').value = '';
  $('who').textContent = 'Not signed in';
  document.querySelector('.shell').classList.remove('with-nav');
  history.replaceState(null, '', location.href.split('#')[0]);
  showView('signin');
  document.title = 'User-data console';
  say($('login-form'), message, kind);
  heading('signin').focus();
}

onSubmit($('login-form'), async ({ email: id, password }, form) => {
  const who = id.includes('@') ? { email: id } : { username: id };
  const device_token = await deviceToken(id);
  const result = await send('POST', 'auth/login', { body: { ...who, password, ...(device_token && { device_token }) }, signed: false });
  if (!result.ok) return report(form, result);
  form.reset();
  if (result.data.mfa_required) return askSecondFactor(result.data.challenge, result.data);
  signIn(result.data);
});

// The second step of a sign-in: a code from the authenticator, or one of the recovery codes.
let challenge = null;

function askSecondFactor(token) {
  challenge = token;
  useRecoveryCode(false);
  $('login-form').hidden = true;
  $('mfa-form').hidden = false;
  $('register-form').closest('.panel').hidden = true; // one thing at a time
  $('login-heading').textContent = 'Enter your code';
  $('mfa-code').focus();
}

function leaveSecondFactor() {
  challenge = null;
  const form = $('mfa-form');
  form.reset();
  clearErrors(form);
  say(form, '');
  form.hidden = true;
  $('login-form').hidden = false;
  $('register-form').closest('.panel').hidden = false;
  $('login-heading').textContent = 'Sign in';
}

function useRecoveryCode(on) {
  clearErrors($('mfa-form'));
  $('mfa-code-field').hidden = on;
  $('mfa-code').disabled = on;
  $('mfa-recovery-field').hidden = !on;
  $('mfa-recovery').disabled = !on;
  $('mfa-switch').textContent = on ? 'Use a code from the app instead' : 'Use a recovery code instead';
  $('mfa-help').textContent = on
    ? 'Lost your phone? Enter one of your recovery codes.'
    : 'Your account has two-step sign-in. Enter the 6-digit code your authenticator app shows now.';
}

$('mfa-switch').addEventListener('click', () => {
  const on = !$('mfa-code').disabled;
  useRecoveryCode(on);
  $(on ? 'mfa-recovery' : 'mfa-code').focus();
});

onClick('mfa-cancel', () => {
  leaveSecondFactor();
  $('login-id').focus();
});

onSubmit($('mfa-form'), async (values, form) => {
  const result = await send('POST', 'auth/login/mfa', { body: { challenge, ...values }, signed: false });
  if (result.ok) {
    leaveSecondFactor();
    return signIn(result.data);
  }
  // The challenge is over (expired, used, or five wrong codes): back to the password.
  if (result.status === 401 && /sign in again/i.test(result.data.detail)) {
    leaveSecondFactor();
    return done($('login-form'), 'That sign-in has expired or had too many wrong codes. Please sign in again.', 'error');
  }
  report(form, result);
  const field = form.querySelector('input:not(:disabled)');
  if (result.status === 401) {
    markInvalid(field, field.id === 'mfa-code' ? 'Check the code in your app: it changes every 30 seconds.' : 'Check the recovery code: each works once.');
    field.select();
  }
});

// Sign-up: the account exists once its owner follows the link mailed to the address (#verify=…).
function showSignUp() {
  $('register-sent').hidden = true;
  $('register-form').hidden = false;
}

onSubmit($('register-form'), async (values, form) => {
  const result = await send('POST', 'auth/register', { body: values, signed: false });
  if (!result.ok) return report(form, result);
  form.reset();
  form.hidden = true;
  $('register-sent-email').textContent = result.data.email;
  $('register-sent').hidden = false;
  $('register-sent-heading').focus();
});

onClick('register-again', () => {
  showSignUp();
  $('register-name').focus();
});

// ---- Links from mail ------------------------------------------------------------------------

/**
 * The pages links in mail open, by the name in the hash: `#verify=<token>` runs landings.verify(token).
 * Each shows what happened in the landing view (showLanding), or signs in. Add a page with a name.
 */
const landings = {
  verify: verifyAddress,
  'confirm-email': confirmEmail,
  'cancel-email': cancelEmailChange,
  'undo-factor': undoFactor,
  reset: (token) => choosePassword({ route: 'auth/password/reset', token }, 'Choose a new password'),
  invite: (token) => choosePassword({ route: 'auth/invite/accept', token }, 'Welcome: choose your password'),
  forgot: forgotPassword,
  // Mail to an address with no account (#register=<address>) or whose owner tried to sign up again
  // (#signin=<address>): the form, with the address filled in (a fragment: it never reaches a server).
  register: (address) => fillSignIn('register-email', address, 'register-name', showSignUp),
  signin: (address) => fillSignIn('login-id', address, 'login-password'),
};

/** The sign-in view with `address` in one of its fields, focus on the next thing to type. */
function fillSignIn(field, address, focus, prepare = () => {}) {
  showView('signin');
  document.title = 'User-data console';
  prepare();
  $(field).value = address;
  $(address ? focus : field).focus();
}

/** Opens the landing page the address names, if any (the token leaves the address bar and history at once). */
function openLanding() {
  const match = /^#([a-z-]+)(?:=(.*))?$/.exec(location.hash);
  if (!match || !Object.hasOwn(landings, match[1])) return false;
  history.replaceState(null, '', location.href.split('#')[0]);
  let value = '';
  try {
    value = decodeURIComponent(match[2] ?? '');
  } catch {
    // A mangled link: its page says it does not work.
  }
  landings[match[1]](value);
  return true;
}

/** The landing view: a title, what happened, and buttons to go on. */
function showLanding(title, text, actions = []) {
  for (const id of ['verify-form', 'confirm-email-form', 'new-password-form', 'forgot-form']) $(id).hidden = true;
  heading('landing').textContent = title;
  showView('landing');
  $('landing-text').textContent = text;
  $('landing-actions').replaceChildren(...actions);
  heading('landing').focus();
}

/** A button of the landing view that leads to the sign-in view, the sign-up form or the sign-in form first. */
function toSignIn(text, focus) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = text;
  button.className = focus === 'register-name' ? 'primary' : '';
  button.addEventListener('click', () => {
    showView('signin');
    document.title = 'User-data console';
    $(focus).focus();
  });
  return button;
}

// A sign-up link (#verify=…) makes the account once the password chosen at sign-up is typed: a link
// someone else requested for this address cannot make their account here.
let verifyToken = '';

async function verifyAddress(token) {
  if (auth.access) {
    await api('POST', 'auth/logout');
    endSession('');
  }
  verifyToken = token;
  showLanding('Confirm your address', 'Enter the password you chose when you signed up to confirm this address and sign in.');
  $('verify-form').hidden = false;
  chooseOwnPassword(false);
}

// Someone else signed up with this address (or your own sign-up's mail never came, since an address
// gets at most 3 an hour): the link proves the address is yours, so you make the account with a password of your own.
let choosingPassword = false;

function chooseOwnPassword(choosing) {
  choosingPassword = choosing;
  clearErrors($('verify-form'));
  const input = $('verify-password');
  input.value = '';
  input.autocomplete = choosing ? 'new-password' : 'current-password';
  $('verify-password-label').textContent = choosing ? 'Choose a password' : 'Password';
  $('verify-password-help').textContent = choosing
    ? 'The account is made with this password and the sign-up’s name (change it later); whoever signed up cannot sign in to it.'
    : 'The password you chose when you signed up: a link alone makes no account.';
  $('verify-submit').textContent = choosing ? 'Create my account' : 'Confirm and sign in';
  $('verify-choose').hidden = choosing;
  input.focus();
}

onClick('verify-choose', () => chooseOwnPassword(true));

onSubmit($('verify-form'), async ({ password }, form) => {
  const token = verifyToken;
  const body = choosingPassword ? { token, new_password: password } : { token, password };
  const result = await send('POST', 'auth/verify', { body, signed: false });
  if (result.data?.errors?.some((error) => error.path === 'body.password' || error.path === 'body.new_password')) return report(form, result);
  form.reset();
  if (result.ok) {
    signIn(result.data);
    return say(statusOf($('profile-form')), `Welcome, ${result.data.user.name}: your address is confirmed and your account is ready.`);
  }
  if (result.status === 400 || result.status === 422)
    return showLanding(
      'This link no longer works',
      'A sign-up link works once, within 24 hours, and only until the address is confirmed. If you have already confirmed it, sign in; otherwise sign up again for a new link.',
      [toSignIn('Sign up again', 'register-name'), toSignIn('Sign in', 'login-id')],
    );
  // Not reached, or busy: the same link can be tried again. Anything else (a username taken meanwhile): sign up again.
  const actions = [toSignIn('Sign up again', 'register-name')];
  if (result.status === 0 || result.status === 429 || result.status >= 500) {
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.textContent = 'Try again';
    retry.className = 'primary';
    retry.addEventListener('click', () => verifyAddress(token)); // asks for the password again
    actions.unshift(retry);
  }
  showLanding('Your address is not confirmed yet', result.data.detail, actions);
});

/** A landing's answer to a link that failed: gone for good (400), or worth another try (not reached, busy). */
function linkFailed(result, again, goneText) {
  if (result.status === 400 || result.status === 422) return showLanding('This link no longer works', goneText, [toSignIn('Sign in', 'login-id')]);
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.textContent = 'Try again';
  retry.className = 'primary';
  retry.addEventListener('click', again);
  showLanding('That did not work yet', result.data?.detail ?? 'The API could not be reached.', [retry, toSignIn('Sign in', 'login-id')]);
}

// An email change counts once the new address follows its link (#confirm-email=…) and the password of
// the account that asked for it is typed: opening the page posts nothing, so neither a click on
// someone else's request nor a mail scanner fetching the link hands the address over. The old
// address can cancel the change (#cancel-email=…).
let confirmEmailToken = '';

function confirmEmail(token) {
  confirmEmailToken = token;
  // The token starts with the id of the account that asked: this browser may be signed in to it.
  const mine = auth.user && token.startsWith(`${auth.user.user_id}.`) && auth.user.pending_email;
  showLanding(
    'Confirm your new address',
    mine
      ? `This makes ${auth.user.pending_email} the sign-in address of your account instead of ${auth.user.email}. Enter your password to confirm.`
      : 'This makes the address this mail came to the sign-in address of the account that asked for it. Enter that account’s password to confirm. If you did not ask for this, close this page: nothing changes.',
  );
  $('confirm-email-form').hidden = false;
  $('confirm-email-password').focus();
}

onSubmit($('confirm-email-form'), async ({ password }, form) => {
  const token = confirmEmailToken;
  const device_token = auth.user && token.startsWith(`${auth.user.user_id}.`) ? await deviceToken(auth.user.email) : undefined;
  const result = await send('POST', 'auth/email/confirm', { body: { token, password, ...(device_token && { device_token }) }, signed: false });
  if (result.data?.errors?.some((error) => error.path === 'body.password') || result.status === 429) return report(form, result);
  form.reset();
  if (result.ok) {
    if (auth.access) await reloadUser(); // this browser is signed in: it shows the new address
    return showLanding('Your new address is confirmed', 'From now on, sign in with your new email address.', [toSignIn('Sign in', 'login-id')]);
  }
  linkFailed(
    result,
    () => confirmEmail(token),
    'A confirmation link works once, within 24 hours, and only for the newest change. Sign in and change your email again for a new link.',
  );
});

// Opening the cancel link (#cancel-email=…) posts nothing either: a mail scanner fetching it must not
// sign its owner out everywhere. A click does; no password, since whoever changed the address may have changed that too.
function cancelEmailChange(token) {
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'primary';
  cancel.textContent = 'Cancel the change';
  cancel.addEventListener('click', () => busy(cancel, () => sendCancel(token)));
  showLanding(
    'Cancel the change of your address?',
    'Your account keeps this address, the new one is dropped, every session of the account is signed out, and your password stops working until you choose a new one (whoever asked for the change knows it). If you asked for the change yourself, close this page.',
    [cancel],
  );
}

async function sendCancel(token) {
  const result = await send('POST', 'auth/email/cancel', { body: { token }, signed: false });
  if (result.ok) {
    if (auth.access) endSession('');
    return showLanding(
      'The change is cancelled',
      'Your account keeps its address, and every session was signed out. Whoever asked for the change knows your password, so it no longer works: choose a new one with a link mailed to you.',
      [forgotButton('Choose a new password')],
    );
  }
  linkFailed(result, () => cancelEmailChange(token), 'This link works once, within 7 days. Sign in to check your address.');
}

// The link in the notice of an added passkey, authenticator app or recovery codes (#undo-factor=…):
// like the cancel link, a click posts, not opening the page.
function undoFactor(token) {
  const undo = document.createElement('button');
  undo.type = 'button';
  undo.className = 'primary';
  undo.textContent = 'Remove it and sign out everywhere';
  undo.addEventListener('click', () => busy(undo, () => sendUndoFactor(token)));
  showLanding(
    'Was this not you?',
    'This removes the factor from the mail and any passkey, authenticator app or recovery codes added after it, signs every session out and stops your password until you choose a new one. If several such mails came, use the oldest link: it reaches furthest back. If you added it yourself, close this page.',
    [undo],
  );
}

async function sendUndoFactor(token) {
  const result = await send('POST', 'auth/factors/undo', { body: { token }, signed: false });
  if (result.ok) {
    if (auth.access) endSession('');
    return showLanding(
      'Removed, and every session signed out',
      'Whoever added it knows your password, so it no longer works: choose a new one with a link mailed to you.',
      [forgotButton('Choose a new password')],
    );
  }
  linkFailed(
    result,
    () => undoFactor(token),
    'This link works once, within 7 days, while your account keeps the address it was mailed to. Sign in and check your passkeys and authenticator app.',
  );
}

// A reset or invitation link (#reset=…, #invite=…) sets the password; "forgot" (#forgot) mails a reset link.
let passwordLink = { route: '', token: '' };

async function choosePassword(link, title) {
  if (auth.access) {
    await api('POST', 'auth/logout');
    endSession('');
  }
  passwordLink = link;
  showLanding(title, 'Choose the password for your account. Every session of it will be signed out.');
  $('new-password-form').hidden = false;
}

onSubmit($('new-password-form'), async ({ password }, form) => {
  const result = await send('POST', passwordLink.route, { body: { token: passwordLink.token, password }, signed: false });
  if (result.ok) {
    form.reset();
    return showLanding('Your password is set', 'Sign in with it now.', [toSignIn('Sign in', 'login-id')]);
  }
  if (result.data?.errors?.some((error) => error.path === 'body.token'))
    return showLanding('This link no longer works', 'A link to set a password works once, for a limited time, and only the newest one. Ask for a new one.', [
      forgotButton(),
      toSignIn('Sign in', 'login-id'),
    ]);
  report(form, result);
});

// On to a reset link: after a reset link that no longer works, or a "this wasn't me" link that stopped the password.
function forgotButton(label = 'Mail me a new link') {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.className = 'primary';
  button.addEventListener('click', forgotPassword);
  return button;
}

function forgotPassword() {
  showLanding('Forgot your password?', 'Enter the address of your account: a link to choose a new password goes there.', [
    toSignIn('Back to sign-in', 'login-id'),
  ]);
  $('forgot-form').hidden = false;
  $('forgot-email').focus();
}

onSubmit($('forgot-form'), async ({ email }, form) => {
  const result = await send('POST', 'auth/password/forgot', { body: { email }, signed: false });
  if (!result.ok) return report(form, result);
  form.reset();
  showLanding('Check your mail', `If an account uses ${result.data.email}, a link to choose a new password is on its way. It works once, within 30 minutes.`, [
    toSignIn('Sign in', 'login-id'),
  ]);
});

onClick('sign-out', async () => {
  await api('POST', 'auth/logout');
  endSession('You are signed out.');
});

// ---- Profile and security -------------------------------------------------------------------

const PROFILE_FIELDS = ['name', 'username', 'phone', 'country', 'dob', 'address', 'gender'];

/** The fields that differ from `before`; an emptied optional field is sent as null, which clears it. */
function changesOf(values, before, fields) {
  const changes = {};
  for (const field of fields) {
    const value = values[field] ?? '';
    if (value !== (before[field] ?? '')) changes[field] = value === '' && field !== 'name' && field !== 'email' ? null : value;
  }
  return changes;
}

/** A profile changed elsewhere: show the latest, say nothing was saved. */
/** Shows the profile as it is now; a new email (say, a change confirmed from its mail) takes the device token along. */
async function reloadUser() {
  const before = auth.user;
  const latest = await api('GET', 'me');
  if (latest.ok && latest.data.email !== before.email) await moveDevice(before, latest.data);
  if (latest.ok) showUser(latest.data);
}

async function profileChangedElsewhere(form) {
  await reloadUser();
  done(form, 'Your profile was changed elsewhere, so nothing was saved. The form now shows the latest version: check it and save again.', 'error');
}

const updateMe = (body) => api('PUT', `users/${auth.user.user_id}`, { body, headers: { 'if-match': `"${auth.user.version}"` } });

onSubmit($('profile-form'), async (values, form) => {
  const changes = changesOf(values, auth.user, PROFILE_FIELDS);
  if (Object.keys(changes).length === 0) return done(form, 'Nothing to save: no field has changed.', 'info');
  const result = await updateMe(changes);
  if (result.status === 412) return profileChangedElsewhere(form);
  if (!result.ok) return report(form, result);
  showUser(result.data);
  const cleared = Object.keys(changes).filter((field) => changes[field] === null);
  done(form, cleared.length ? `Profile saved; removed: ${cleared.map((f) => labelOf($(`profile-${f}`), f).toLowerCase()).join(', ')}.` : 'Profile saved.');
});

onSubmit($('credentials-form'), async ({ email, password }, form) => {
  const changes = { ...(email !== auth.user.email && { email }), ...(password && { password }) };
  if (Object.keys(changes).length === 0) return done(form, 'Nothing to change: enter a new email or a new password.', 'info');
  const what = changes.email && changes.password ? 'email and password' : changes.email ? 'email' : 'password';
  const before = auth.user;
  const result = await stepUp({ text: `To change your ${what}, confirm it is you.`, ok: `Change ${what}` }, (proof) => updateMe({ ...changes, ...proof }));
  if (!result) return done(form, 'Nothing was changed.', 'info');
  if (result.status === 412) return profileChangedElsewhere(form);
  if (!result.ok) return report(form, result);
  $('credentials-password').value = '';
  // A new email is pending until the link mailed to it is followed; a change that applied at once moves the device token.
  const pending = result.data.pending_email;
  if (changes.email && !pending) await moveDevice(before, result.data);
  if (!password) {
    showUser(result.data);
    if (pending) return done(form, `Check ${pending}: follow the link mailed there to confirm it. Until then your email stays ${result.data.email}.`);
    return done(form, `Email changed to ${result.data.email}.`);
  }
  // A new password ends every session, this one too: sign in again with it (with a code, the owner does).
  const device_token = await deviceToken(result.data.email);
  const body = { email: result.data.email, password, ...(device_token && { device_token }) };
  const again = await send('POST', 'auth/login', { body, signed: false });
  if (!again.ok || again.data.mfa_required) return endSession('Password changed and every session signed out. Please sign in with your new password.');
  keepTokens(again.data);
  keepDevice(again.data.user, again.data.device_token);
  showUser(again.data.user);
  sessionList.load();
  done(form, 'Password changed. Every other session has been signed out.');
});

/** How a session signed in, in words. */
const SIGNED_IN_WITH = {
  password: 'password',
  'password+totp': 'password and authenticator code',
  'password+recovery_code': 'password and recovery code',
  'password+passkey': 'password and passkey',
  passkey: 'passkey',
};

const sessionList = pagedList('sessions', 'me/sessions', (session) => {
  const item = document.createElement('li');
  item.className = 'session';
  const device = document.createElement('p');
  device.className = 'device';
  const name = document.createElement('strong');
  name.textContent = session.device;
  device.append(name);
  if (session.current) device.append(' ', badge('this browser'));
  const details = document.createElement('dl');
  const signedIn = document.createElement('span');
  signedIn.append(time(session.created_at), ` with ${SIGNED_IN_WITH[session.method] ?? session.method}`);
  describe(details, [
    ['Network', session.network],
    ['Signed in', signedIn],
    ['Last used', time(session.last_used_at)],
  ]);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'quiet';
  button.textContent = 'Sign out';
  button.setAttribute('aria-label', session.current ? 'Sign out this browser' : `Sign out ${session.device}, signed in ${when(session.created_at)}`);
  button.addEventListener('click', () =>
    busy(button, async () => {
      if (session.current) {
        await api('POST', 'auth/logout');
        return endSession('You are signed out.');
      }
      // Another session: the API asks for step-up (a stolen token must not sign its owner out elsewhere).
      const result = await stepUp({ title: `Sign out ${session.device}?`, text: 'Its tokens stop working at once.', ok: 'Sign out' }, (proof) =>
        api('DELETE', `me/sessions/${session.session_id}`, { body: proof }),
      );
      if (!result) return done(button, 'Nothing was changed.', 'info');
      if (!result.ok && result.status !== 404) return report(button, result);
      item.remove();
      done($('sessions-list'), `${session.device} is signed out: its tokens no longer work.`);
    }),
  );
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(button);
  item.append(device, details, actions);
  return item;
});
onClick('sessions-refresh', () => sessionList.load());

/** What each activity type (GET /me/activity) means, in words. */
const ACTIVITY = {
  signed_in: 'Signed in',
  signed_in_new_device: 'Signed in from a new device',
  signed_out: 'Signed out',
  session_ended: 'Signed another session out',
  password_changed: 'Password changed',
  password_reset: 'Password reset from a mailed link',
  email_change_requested: 'Email change requested (waiting for the new address to confirm)',
  email_changed: 'Email changed',
  email_change_cancelled: 'Email change cancelled from the old address',
  factor_added: 'Authenticator app turned on',
  factor_removed: 'Authenticator app removed',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
  recovery_codes_replaced: 'New recovery codes made',
  factors_undone: 'Factors undone from a notice’s link, sessions signed out',
  invitation_accepted: 'Invitation accepted: password set',
};

const activityList = pagedList('activity', 'me/activity', (event) => {
  const item = document.createElement('li');
  item.className = 'session';
  const what = document.createElement('p');
  what.className = 'device';
  const name = document.createElement('strong');
  name.textContent = ACTIVITY[event.type] ?? event.type;
  what.append(name, ' ', time(event.at));
  const details = document.createElement('dl');
  describe(details, [
    ['Device', event.device],
    ['Network', event.network],
  ]);
  item.append(what, details);
  return item;
});
onClick('activity-refresh', () => activityList.load());

onClick('copy-token', async () => {
  try {
    await navigator.clipboard.writeText($('token').value);
    done($('copy-token'), 'Access token copied to the clipboard.');
  } catch {
    $('token').select();
    done($('copy-token'), 'Copying is blocked here: the token is selected, press Ctrl+C (or Cmd+C).', 'info');
  }
});

onClick('export', async () => {
  const result = await api('GET', 'me/export');
  if (!result.ok) return report($('export'), result);
  // The answer's own text: values stay exactly as stored (JSON.parse would round large numbers).
  const url = URL.createObjectURL(new Blob([result.text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `user-data-export-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  const { key_value, payments, records, sessions } = result.data;
  done(
    $('export'),
    `Downloaded ${a.download}: your profile, ${key_value.length} key-value entries, ${payments.length} payments, ${records.length} records and ${sessions.length} sessions.`,
  );
});

onClick('delete-account', async () => {
  const button = $('delete-account');
  const result = await stepUp(
    {
      title: 'Delete your account?',
      text: 'Your profile, sessions, key-value entries and records are deleted for good. This cannot be undone.',
      ok: 'Delete my account',
      danger: true,
    },
    (proof) => api('DELETE', `users/${auth.user.user_id}`, { body: proof }),
  );
  if (!result) return done(button, 'Nothing was deleted.', 'info');
  if (!result.ok) return report(button, result);
  await forgetDevice(auth.user);
  endSession('Your account was deleted.');
});

views.profile = {
  enter: () => Promise.all([sessionList.load(), activityList.load()]),
};

// ---- Key-value store ------------------------------------------------------------------------

const kv = { key: null, version: null }; // the entry in the editor, as last read or written
const kvPath = (key) => `kv/${encodeURIComponent(key)}`;

const kvList = pagedList(
  'kv',
  'kv',
  (entry) => row(link(`#/kv/${encodeURIComponent(entry.key)}`, entry.key), String(entry.version), time(entry.updated_at)),
  'key',
);

/** Shows an entry in the editor, or an empty editor for `key` (no previous value or version survives). */
function kvEditor(key, entry) {
  $('kv-key').value = key;
  $('kv-value').value = entry ? JSON.stringify(entry.value, null, 2) : '';
  $('kv-value-check').textContent = '';
  $('kv-version').textContent = entry ? String(entry.version) : '–';
  $('kv-delete').disabled = !entry;
  Object.assign(kv, { key: entry ? key : null, version: entry?.version ?? null });
  $('kv-heading').textContent = entry ? `Entry “${key}”` : 'New entry';
  select($('kv-list'), `#/kv/${encodeURIComponent(key)}`);
}

async function openEntry(key) {
  const form = $('kv-form');
  clearErrors(form);
  const result = await api('GET', kvPath(key));
  if (result.status === 404) {
    kvEditor(key, null);
    say(form, `There is no entry “${key}” yet. Enter a value and save to create it.`, 'info');
  } else if (!result.ok) {
    kvEditor(key, null);
    return report(form, result);
  } else {
    kvEditor(key, result.data);
    say(form, `Loaded “${key}” (version ${result.data.version}).`);
  }
  $('kv-heading').focus();
}

onClick('kv-load', async () => {
  const key = $('kv-key').value;
  if (!key) {
    clearErrors($('kv-form'));
    markInvalid($('kv-key'), 'Enter the key to load.');
    return $('kv-key').focus();
  }
  setHash(`#/kv/${encodeURIComponent(key)}`);
  await openEntry(key);
});

onClick('kv-new', () => {
  setHash('#/kv');
  kvEditor('', null);
  say($('kv-form'), '');
  $('kv-key').focus();
});

/**
 * Where JSON text first goes wrong: { line, column, what } or null when it is valid. JSON.parse says
 * only "Unexpected token" in Chromium; this walks the grammar to point at the place.
 */
function jsonProblem(text) {
  let i = 0;
  const fail = (what) => {
    throw { at: i, what };
  };
  const ws = () => {
    while (/[ \t\n\r]/.test(text[i] ?? '')) i++;
  };
  const literal = (word) => {
    if (!text.startsWith(word, i)) fail(`expected ${word}`);
    i += word.length;
  };
  function string() {
    i++;
    while (text[i] !== '"') {
      if (i >= text.length || text[i] < ' ') fail('a string is not closed with "');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('an unknown escape after \\');
      }
      i++;
    }
    i++;
  }
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a key needs "quotes"');
        string();
        ws();
        if (text[i] !== ':') fail('expected : after the key');
        i++;
        value();
        ws();
        if (text[i] === '}') return i++;
        if (text[i] !== ',') fail('expected , or }');
        i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ']') return i++;
        if (text[i] !== ',') fail('expected , or ]');
        i++;
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!number) fail(i >= text.length ? 'the value ends too early' : 'text needs "quotes", for example "dark"');
    i += number[0].length;
  }
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected text after the value');
    return null;
  } catch ({ at, what }) {
    const before = text.slice(0, at).split('\n');
    return { line: before.length, column: before.at(-1).length + 1, what };
  }
}

/** The value's JSON checked as typed: where it goes wrong, or that it is valid. */
function checkJson() {
  const field = $('kv-value');
  const note = $('kv-value-check');
  const problem = field.value.trim() ? jsonProblem(field.value) : null;
  note.textContent = !field.value.trim() ? '' : problem ? `Not valid JSON at line ${problem.line}, column ${problem.column}: ${problem.what}.` : 'Valid JSON.';
  note.className = `json-check ${problem ? 'bad' : 'good'}`;
  return problem;
}
$('kv-value').addEventListener('input', checkJson);

$('kv-format').addEventListener('click', () => {
  const field = $('kv-value');
  if (checkJson()) return field.focus();
  field.value = JSON.stringify(JSON.parse(field.value), null, 2);
});

onSubmit($('kv-form'), async ({ key }, form) => {
  const raw = $('kv-value').value;
  const problem = jsonProblem(raw);
  if (problem) {
    const errors = [{ path: 'body.value', message: `Not valid JSON at line ${problem.line}, column ${problem.column}: ${problem.what}` }];
    return report(form, { data: { detail: 'The value is not valid JSON.', errors } });
  }
  const updating = kv.key === key && kv.version !== null;
  // Without a loaded version, only create: an entry that exists is not overwritten by accident.
  const headers = updating ? { 'if-match': `"${kv.version}"` } : { 'if-none-match': '*' };
  const result = await api('PUT', kvPath(key), { raw, headers });
  if (result.status === 412) {
    const why = updating
      ? `“${key}” was changed elsewhere since version ${kv.version}, so nothing was saved. Load it to see the latest version.`
      : `An entry “${key}” already exists, so nothing was saved. Load it to see and change it.`;
    return done(form, why, 'error');
  }
  if (!result.ok) return report(form, result);
  kvEditor(key, result.data);
  setHash(`#/kv/${encodeURIComponent(key)}`);
  done(form, `${result.status === 201 ? 'Created' : 'Saved'} “${key}” (version ${result.data.version}).`);
  await kvList.load();
  select($('kv-list'), `#/kv/${encodeURIComponent(key)}`);
});

onClick('kv-delete', async () => {
  const { key, version } = kv;
  const form = $('kv-form');
  if (!(await confirmed(`Delete “${key}”?`, 'The entry and its value are deleted for good.', 'Delete entry')))
    return done(form, 'Nothing was deleted.', 'info');
  const result = await api('DELETE', kvPath(key), { headers: { 'if-match': `"${version}"` } });
  if (result.status === 412)
    return done(form, `“${key}” was changed elsewhere since version ${version}, so it was not deleted. Load it to see the latest version.`, 'error');
  if (!result.ok && result.status !== 404) return report(form, result);
  kvEditor('', null);
  setHash('#/kv');
  done(form, `Deleted “${key}”.`);
  await kvList.load();
});

onSubmit($('kv-filter'), async ({ prefix }) => {
  kvList.state.query = prefix ? { prefix } : {};
  $('kv-empty').textContent = prefix ? `No key starts with “${prefix}”.` : 'No entries yet. Create one with the form.';
  await kvList.load();
});

views.kv = {
  enter: () => kvList.state.loaded || kvList.load(),
  open: (key) => openEntry(key),
};

// ---- Health records -------------------------------------------------------------------------

const recordList = pagedList(
  'records',
  'records',
  (record) => row(link(`#/records/${record.record_id}`, record.name), record.dob, time(record.created_at, day)),
  'record',
);

function showRecord(record) {
  $('record-panel').hidden = false;
  $('record-delete').hidden = !record;
  $('record-heading').textContent = record ? `Record of ${record.name}` : 'Record';
  describe(
    $('record-detail'),
    record
      ? [
          ['Name', record.name],
          ['Date of birth', record.dob],
          ['Height', `${record.height} cm`],
          ['Weight', `${record.weight} kg`],
          ['Owner', record.user_id === auth.user.user_id ? 'you' : record.user_id],
          ['Created', when(record.created_at)],
          ['Record id', copyable(record.record_id, 'record id')],
        ]
      : [],
  );
  $('record-panel').dataset.id = record?.record_id ?? '';
  $('record-panel').dataset.name = record?.name ?? '';
  select($('records-list'), record ? `#/records/${record.record_id}` : '');
}

async function openRecord(id, message) {
  const result = await api('GET', `records/${encodeURIComponent(id)}`);
  showRecord(result.ok ? result.data : null);
  if (!result.ok) report($('record-delete'), result);
  else say($('record-delete'), message ?? '');
  $('record-heading').focus();
}

onClick('record-delete', async () => {
  const { id, name } = $('record-panel').dataset;
  if (!(await confirmed(`Delete the record of ${name}?`, 'The record is deleted for good.', 'Delete record')))
    return done($('record-delete'), 'Nothing was deleted.', 'info');
  const result = await api('DELETE', `records/${id}`);
  if (!result.ok) return report($('record-delete'), result);
  showRecord(null);
  setHash('#/records');
  done($('record-detail'), `Deleted the record of ${name}.`);
  await recordList.load();
});

onSubmit($('record-form'), async (values, form) => {
  const result = await api('POST', 'records', { body: values });
  if (!result.ok) return report(form, result);
  form.reset();
  say(form, '');
  setHash(`#/records/${result.data.record_id}`);
  await recordList.load();
  showRecord(result.data);
  done($('record-detail'), `Record created for ${result.data.name}.`);
});

onSubmit($('lookup-form'), async ({ phone }, form) => {
  const results = $('lookup-results');
  results.replaceChildren();
  const result = await api('POST', 'records/lookup', { body: { phone } });
  if (!result.ok) return report(form, result);
  const items = result.data.items;
  results.replaceChildren(
    ...items.map((record) => {
      const li = document.createElement('li');
      const owner = record.user_id === auth.user.user_id ? '' : ` (owner ${record.user_id})`;
      li.append(link(`#/records/${record.record_id}`, `${record.name}, born ${record.dob}`), owner);
      return li;
    }),
  );
  done(
    form,
    items.length ? `Found ${items.length === 1 ? 'one record' : `${items.length} records`} of this phone.` : 'No record of this phone.',
    items.length ? 'ok' : 'info',
  );
});

onSubmit($('records-filter'), async ({ user_id }) => {
  recordList.state.query = user_id ? { user_id } : {};
  $('records-list-heading').textContent = user_id ? `Records of ${user_id}` : 'Your records';
  await recordList.load();
});
onClick('records-refresh', () => recordList.load());

views.records = {
  enter: () => recordList.state.loaded || recordList.load(),
  open: (id) => openRecord(id),
};

// ---- Payments -------------------------------------------------------------------------------

const payment = { current: null, rules: null };

/**
 * The payment rules as the API documents them (the `status` of a payment in /openapi.json): where each
 * status may go, which fields may change in it, which payments can be deleted. Read once, never copied
 * here; if the document cannot be read, the console offers no change it cannot check and the API decides.
 */
let paymentRules;
function loadPaymentRules() {
  paymentRules ??= send('GET', 'openapi.json', { signed: false }).then(({ ok, data }) => {
    const status = data?.paths?.['/payments/{id}']?.get?.responses?.[200]?.content?.['application/json']?.schema?.properties?.status;
    if (!ok || !status?.['x-next-statuses']) {
      paymentRules = undefined; // tried again on the next payment opened
      return { next: {}, editable: {}, deletable: [] };
    }
    const rules = { next: status['x-next-statuses'], editable: status['x-editable-fields'], deletable: status['x-deletable-statuses'] };
    const moves = Object.entries(rules.next).filter(([, next]) => next.length > 0);
    const amountWhile = Object.keys(rules.editable).filter((s) => rules.editable[s].includes('amount'));
    $('payment-status-help').textContent = `Status moves forward only: ${moves.map(([from, next]) => `${from} → ${next.join(' or ')}`).join('; ')}.`;
    $('payment-pending-help').textContent = `Amount and currency change only while the payment is ${amountWhile.join(' or ')}.`;
    return rules;
  });
  return paymentRules;
}

const paymentList = pagedList(
  'payments',
  'payments',
  (p) => row(link(`#/payments/${p.payment_id}`, money(p.amount, p.currency), true), badge(p.status), time(p.created_at)),
  'payment',
);

async function showPayment(p) {
  payment.rules = await loadPaymentRules();
  payment.current = p;
  $('payment-panel').hidden = false;
  $('payment-edit').hidden = !p;
  $('payment-heading').textContent = p ? `Payment of ${money(p.amount, p.currency)}` : 'Payment';
  describe(
    $('payment-detail'),
    p
      ? [
          ['Status', badge(p.status)],
          ['Amount', money(p.amount, p.currency)],
          ['Method', p.payment_method],
          ['Card', `${p.card_no} (${p.card_brand})`],
          ['Expires', p.card_expiry],
          ['Description', p.description],
          ['Owner', p.user_id === auth.user.user_id ? 'you' : p.user_id],
          ['Created', when(p.created_at)],
          ['Updated', when(p.updated_at)],
          ['Version', String(p.version)],
          ['Payment id', copyable(p.payment_id, 'payment id')],
        ]
      : [],
  );
  select($('payments-list'), p ? `#/payments/${p.payment_id}` : '');
  if (!p) return;
  const status = $('payment-status');
  const next = payment.rules.next[p.status] ?? [];
  const editable = payment.rules.editable[p.status] ?? [];
  status.replaceChildren(
    ...[p.status, ...next].map((s) => {
      const option = document.createElement('option');
      option.textContent = s;
      return option;
    }),
  );
  status.disabled = next.length === 0;
  for (const [id, field, value] of [
    ['payment-amount', 'amount', decimal(p.amount, p.currency)],
    ['payment-currency', 'currency', p.currency],
    ['payment-description', 'description', p.description ?? ''],
  ]) {
    $(id).value = value;
    // Read-only (not disabled): still focusable and read out, and it looks fixed (app.css).
    $(id).readOnly = !editable.includes(field);
  }
  $('payment-delete').hidden = !payment.rules.deletable.includes(p.status);
}

async function openPayment(id, message) {
  const result = await api('GET', `payments/${encodeURIComponent(id)}`);
  await showPayment(result.ok ? result.data : null);
  if (!result.ok) report($('payment-detail'), result);
  else say($('payment-detail'), message ?? '');
  $('payment-heading').focus();
}

onSubmit($('payment-edit'), async (values, form) => {
  const p = payment.current;
  const editable = payment.rules.editable[p.status] ?? [];
  const changes = {};
  if (values.status && values.status !== p.status) changes.status = values.status;
  if (editable.includes('description') && values.description !== (p.description ?? '')) changes.description = values.description;
  if (editable.includes('currency') && values.currency.toUpperCase() !== p.currency) changes.currency = values.currency.toUpperCase();
  if (editable.includes('amount') && values.amount !== decimal(p.amount, p.currency)) changes.amount = values.amount;
  if (Object.keys(changes).length === 0) return done(form, 'Nothing to save: no field has changed.', 'info');
  const result = await api('PUT', `payments/${p.payment_id}`, { body: changes, headers: { 'if-match': `"${p.version}"` } });
  if (result.status === 412) return openPayment(p.payment_id, 'This payment was changed elsewhere, so nothing was saved. It now shows the latest version.');
  if (!result.ok) return report(form, result);
  await showPayment(result.data);
  done(form, changes.status ? `Payment saved: it is now ${result.data.status}.` : 'Payment saved.');
  await paymentList.load();
});

onClick('payment-delete', async () => {
  const p = payment.current;
  const button = $('payment-delete');
  if (
    !(await confirmed(`Delete the payment of ${money(p.amount, p.currency)}?`, 'Only a pending payment can be deleted; it is gone for good.', 'Delete payment'))
  )
    return done(button, 'Nothing was deleted.', 'info');
  const result = await api('DELETE', `payments/${p.payment_id}`, { headers: { 'if-match': `"${p.version}"` } });
  if (!result.ok) return report(button, result);
  await showPayment(null);
  setHash('#/payments');
  done($('payment-detail'), `Deleted the payment of ${money(p.amount, p.currency)}.`);
  await paymentList.load();
});

/** One Idempotency-Key per payment being entered: a retry after a lost answer cannot pay twice. */
const newKey = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
let paymentKey = newKey();
$('payment-form').addEventListener('input', () => {
  paymentKey = newKey();
});

onSubmit($('payment-form'), async (values, form) => {
  const body = { ...values, currency: values.currency.toUpperCase() };
  for (const optional of ['description', 'user_id']) if (!body[optional]) delete body[optional];
  const result = await api('POST', 'payments', { body, headers: { 'idempotency-key': paymentKey } });
  if (!result.ok) return report(form, result);
  paymentKey = newKey();
  form.reset();
  setHash(`#/payments/${result.data.payment_id}`);
  await paymentList.load();
  await showPayment(result.data);
  done($('payment-detail'), `Payment of ${money(result.data.amount, result.data.currency)} created (${result.data.status}).`);
});

onSubmit($('payments-filter'), async ({ user_id }) => {
  paymentList.state.query = user_id ? { user_id } : {};
  $('payments-list-heading').textContent = user_id ? `Payments of ${user_id}` : 'Payments';
  await paymentList.load();
});
onClick('payments-refresh', () => paymentList.load());

views.payments = {
  enter: () => paymentList.state.loaded || paymentList.load(),
  open: (id) => openPayment(id),
};

// ---- Users (administrators) -----------------------------------------------------------------

const USER_FIELDS = ['name', 'email', 'role', 'username', 'phone', 'country', 'dob', 'address', 'gender'];
const admin = { user: null };

const ROLE_NAMES = { admin: 'Administrator', user: 'User' };
const userList = pagedList('users', 'users', (u) => row(link(`#/users/${u.user_id}`, u.name), breakable(u.email), ROLE_NAMES[u.role] ?? u.role), 'user');

function showManagedUser(user) {
  admin.user = user;
  $('user-panel').hidden = false;
  $('user-edit').hidden = !user;
  $('user-heading').textContent = user ? user.name : 'User';
  select($('users-list'), user ? `#/users/${user.user_id}` : '');
  if (!user) {
    $('user-meta').textContent = '';
    return;
  }
  for (const field of USER_FIELDS) $(`user-${field}`).value = user[field] ?? '';
  $('user-password').value = '';
  const self = user.user_id === auth.user.user_id;
  $('user-meta').textContent =
    `Id ${user.user_id}; created ${when(user.created_at)}; version ${user.version}.${self ? ' This is you: delete your own account under Profile & security.' : ''}`;
  $('user-delete').hidden = self;
}

async function openUser(id, message) {
  const result = await api('GET', `users/${encodeURIComponent(id)}`);
  showManagedUser(result.ok ? result.data : null);
  if (!result.ok) report($('user-meta'), result);
  else say($('user-meta'), message ?? '');
  $('user-heading').focus();
}

onSubmit($('user-edit'), async (values, form) => {
  const user = admin.user;
  const changes = { ...changesOf(values, user, USER_FIELDS), ...(values.password && { password: values.password }) };
  if (Object.keys(changes).length === 0) return done(form, 'Nothing to save: no field has changed.', 'info');
  const result = await withStepUp(
    { text: `Changing someone's email or password, or an administrator's role, needs your confirmation.`, ok: `Save ${user.name}` },
    (proof) => api('PUT', `users/${user.user_id}`, { body: { ...changes, ...proof }, headers: { 'if-match': `"${user.version}"` } }),
  );
  if (!result) return done(form, 'Nothing was saved.', 'info');
  if (result.status === 412) return openUser(user.user_id, 'This user was changed elsewhere, so nothing was saved. The form now shows the latest version.');
  if (!result.ok) return report(form, result);
  showManagedUser(result.data);
  if (result.data.user_id === auth.user.user_id) showUser(result.data);
  done(form, `Saved ${result.data.name}.`);
  await userList.load();
});

onClick('user-delete', async () => {
  const user = admin.user;
  const button = $('user-delete');
  const sure = await confirmed(
    `Delete ${user.name}?`,
    `${user.email} loses their profile, sessions, key-value entries and records for good; their payments stay.`,
    'Delete user',
  );
  if (!sure) return done(button, 'Nothing was deleted.', 'info');
  const result = await withStepUp({ text: `Deleting an administrator needs your confirmation.`, ok: 'Delete user', danger: true }, (proof) =>
    api('DELETE', `users/${user.user_id}`, {
      headers: { 'if-match': `"${user.version}"` },
      ...(proof.current_password || proof.totp_code ? { body: proof } : {}),
    }),
  );
  if (!result) return done(button, 'Nothing was deleted.', 'info');
  if (!result.ok) return report(button, result);
  showManagedUser(null);
  setHash('#/users');
  done($('user-meta'), `Deleted ${user.name} (${user.email}).`);
  await userList.load();
});

onSubmit($('user-form'), async (values, form) => {
  const body = { ...values };
  if (!body.password) delete body.password;
  const result = await withStepUp(
    { text: 'Creating an administrator, or an account with a password you chose, needs your confirmation.', ok: 'Create user' },
    (proof) => api('POST', 'users', { body: { ...body, ...proof } }),
  );
  if (!result) return done(form, 'Nothing was created.', 'info');
  if (!result.ok) return report(form, result);
  form.reset();
  setHash(`#/users/${result.data.user_id}`);
  await userList.load();
  showManagedUser(result.data);
  done($('user-meta'), `Created ${result.data.name}.`);
});

onSubmit($('users-filter'), async ({ email }) => {
  userList.state.query = email ? { email } : {};
  await userList.load();
});
onClick('users-refresh', async () => {
  $('users-email').value = '';
  userList.state.query = {};
  await userList.load();
});

views.users = {
  enter: () => userList.state.loaded || userList.load(),
  open: (id) => openUser(id),
};

// ---- Start ----------------------------------------------------------------------------------

const lists = [sessionList, activityList, kvList, recordList, paymentList, userList];
for (const status of document.querySelectorAll('.status')) status.tabIndex = -1;
$('kv-key').dataset.exact = ''; // a key is taken as typed: spaces are part of it
$('login-id').dataset.field = 'email username';
for (const id of ['new-amount', 'payment-amount']) $(id).dataset.hint = 'Enter an amount such as 12.50.';
window.addEventListener('DOMContentLoaded', openLanding); // after security.js has run too
