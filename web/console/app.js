// The web console: a plain client of the API. The access token lives in this page's memory only
// (never localStorage or a cookie), so closing the tab signs out and no cookie can be forged (no CSRF).
'use strict';

const apiKey = document.querySelector('meta[name="api-key"]').content;
const state = { token: null, user: null, kvCursor: null };
const $ = (id) => document.getElementById(id);

async function api(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { 'x-api-key': apiKey, ...headers } };
  if (state.token) init.headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(new URL(path, document.baseURI), init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  return { ok: response.ok, status: response.status, data, etag: response.headers.get('etag') };
}

// ---- Messages -------------------------------------------------------------------------------

const FIELD_LABELS = {
  key: 'Key',
  value: 'Value',
  phone: 'Phone',
  dob: 'Date of birth',
  email: 'Email',
  password: 'Password',
  current_password: 'Current password',
  name: 'Name',
  height: 'Height',
  weight: 'Weight',
  country: 'Country',
  address: 'Address',
  gender: 'Gender',
};

function clearErrors(form) {
  form?.querySelectorAll('.field-error').forEach((note) => note.remove());
  form?.querySelectorAll('[aria-invalid]').forEach((field) => {
    field.removeAttribute('aria-invalid');
    const kept = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.includes('-error-'));
    if (kept.length) field.setAttribute('aria-describedby', kept.join(' '));
    else field.removeAttribute('aria-describedby');
  });
}

function say(text, kind = 'info') {
  const box = $('message');
  box.textContent = text;
  box.className = kind;
  box.hidden = false;
}

/** Shows an API problem in plain words, and marks the fields it names. */
function showProblem(problem, form) {
  clearErrors(form);
  const lines = [problem?.detail ?? 'Something went wrong; please try again.'];
  for (const { path, message } of problem?.errors ?? []) {
    const name = path.split('.').pop();
    const field = form?.querySelector(`[name="${name}"]`);
    lines.push(`${FIELD_LABELS[name] ?? name}: ${message}`);
    if (field) {
      const notes = form.querySelectorAll(`[data-for="${field.id}"]`);
      const note = document.createElement('p');
      note.className = 'field-error';
      note.id = `${field.id}-error-${notes.length}`;
      note.dataset.for = field.id;
      note.textContent = message;
      (notes[notes.length - 1] ?? field).after(note);
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', [field.getAttribute('aria-describedby'), note.id].filter(Boolean).join(' '));
    }
  }
  say(lines.join('\n'), 'error');
}

/** Runs an API call for a form: shows its problem (or a plainer word for a stale version), or hands the data on. */
async function submit(form, call, onSuccess, onStale) {
  clearErrors(form);
  const result = await call();
  if (result.status === 401 && state.token) {
    signOut();
    return say('Your session has ended. Please log in again.', 'error');
  }
  if (result.status === 412 && onStale) return onStale();
  if (!result.ok) return showProblem(result.data, form);
  await onSuccess(result);
}

const formValues = (form) => Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v !== ''));

// ---- Session --------------------------------------------------------------------------------

function signIn(data) {
  state.token = data.access_token;
  showUser(data.user);
  $('token').value = data.access_token;
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  refreshKeys();
}

function signOut() {
  Object.assign(state, { token: null, user: null, kvCursor: null });
  $('token').value = '';
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
  $('who').textContent = 'Not signed in';
  document.querySelectorAll('form').forEach((form) => form.reset());
  $('kv-list').replaceChildren();
}

function showUser(user, etag) {
  state.user = user;
  $('who').textContent = `Signed in as ${user.name} (${user.email})`;
  for (const field of ['name', 'email', 'phone', 'country', 'dob', 'address', 'gender']) $(`profile-${field}`).value = user[field] ?? '';
  $('profile-version').textContent = etag ? etag.replaceAll('"', '') : String(user.version);
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit(
    e.target,
    () => api('POST', 'auth/login', { body: formValues(e.target) }),
    ({ data }) => {
      signIn(data);
      say(`Welcome back, ${data.user.name}.`);
    },
  );
});

$('register-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit(
    e.target,
    () => api('POST', 'auth/register', { body: formValues(e.target) }),
    ({ data }) => {
      signIn(data);
      say(`Account created. Welcome, ${data.user.name}.`);
    },
  );
});

$('logout').addEventListener('click', async () => {
  await api('POST', 'auth/logout');
  signOut();
  say('You are logged out.');
});

$('copy-token').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('token').value);
    say('Access token copied to the clipboard.');
  } catch {
    $('token').select();
    say('Copying is blocked here: the token is selected, press Ctrl+C (or Cmd+C).', 'error');
  }
});

// ---- Profile --------------------------------------------------------------------------------

$('profile-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const { password, current_password, ...values } = formValues(e.target);
  const changes = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (state.user[k] ?? '')));
  if (password) changes.password = password;
  if (Object.keys(changes).length === 0) return say('Nothing to save: no field has changed.');
  if (current_password) changes.current_password = current_password;
  submit(
    e.target,
    () => api('PUT', `users/${state.user.user_id}`, { body: changes, headers: { 'if-match': `"${state.user.version}"` } }),
    async ({ data, etag }) => {
      $('profile-password').value = '';
      $('profile-current-password').value = '';
      if (!password) {
        showUser(data, etag);
        return say('Profile saved.');
      }
      // A new password ends every session, this one too: sign in again with it.
      state.token = null;
      const again = await api('POST', 'auth/login', { body: { email: data.email, password } });
      if (!again.ok) {
        signOut();
        return say('Password changed. Please log in with your new password.');
      }
      signIn(again.data);
      say('Password changed. Every other session has been signed out.');
    },
    async () => {
      const { data, etag } = await api('GET', 'me');
      showUser(data, etag);
      say('Your profile was changed elsewhere, so nothing was saved. The form now shows the latest version: check it and save again.', 'error');
    },
  );
});

$('delete-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit(
    e.target,
    () => api('DELETE', `users/${state.user.user_id}`, { body: formValues(e.target) }),
    () => {
      signOut();
      say('Your account was deleted.');
    },
  );
});

// ---- Key-value store ------------------------------------------------------------------------

const keyPath = () => `kv/${encodeURIComponent($('kv-key').value)}`;
const versionHeader = () => ($('kv-version').value.trim() ? { 'if-match': `"${$('kv-version').value.trim()}"` } : {});

$('kv-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.target;
  let value;
  try {
    value = JSON.parse($('kv-value').value);
  } catch {
    return showProblem({ detail: 'The value is not valid JSON.', errors: [{ path: 'body.value', message: 'Not valid JSON (strings need "quotes")' }] }, form);
  }
  submit(
    form,
    () => api('PUT', keyPath(), { body: value, headers: versionHeader() }),
    ({ status, data }) => {
      $('kv-version').value = String(data.version);
      say(`${status === 201 ? 'Created' : 'Saved'} “${data.key}” (version ${data.version}).`);
      refreshKeys();
    },
    staleEntry,
  );
});

async function loadEntry(key) {
  if (key !== undefined) $('kv-key').value = key;
  await submit(
    $('kv-form'),
    () => api('GET', keyPath()),
    ({ data }) => {
      $('kv-value').value = JSON.stringify(data.value, null, 2);
      $('kv-version').value = String(data.version);
      say(`Loaded “${data.key}” (version ${data.version}).`);
    },
  );
}

$('kv-load').addEventListener('click', () => loadEntry());

$('kv-delete').addEventListener('click', () =>
  submit(
    $('kv-form'),
    () => api('DELETE', keyPath(), { headers: versionHeader() }),
    () => {
      say(`Deleted “${$('kv-key').value}”.`);
      $('kv-value').value = '';
      $('kv-version').value = '';
      refreshKeys();
    },
    staleEntry,
  ),
);

function staleEntry() {
  const version = $('kv-version').value.trim();
  say(`“${$('kv-key').value}” is not at version ${version} any more (or does not exist): nothing was changed. Load it to see the latest version.`, 'error');
}

async function refreshKeys(append = false) {
  const query = new URLSearchParams({ limit: '20', ...(append && state.kvCursor && { cursor: state.kvCursor }) });
  const { ok, data } = await api('GET', `kv?${query}`);
  if (!ok) return showProblem(data);
  const rows = data.items.map((entry) => {
    const row = document.createElement('tr');
    const keyCell = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.textContent = entry.key;
    button.setAttribute('aria-label', `Load ${entry.key}`);
    button.addEventListener('click', () => loadEntry(entry.key));
    keyCell.append(button);
    const version = document.createElement('td');
    version.textContent = String(entry.version);
    const updated = document.createElement('td');
    updated.textContent = new Date(entry.updated_at).toLocaleString();
    row.append(keyCell, version, updated);
    return row;
  });
  if (append) $('kv-list').append(...rows);
  else $('kv-list').replaceChildren(...rows);
  state.kvCursor = data.next_cursor;
  $('kv-more').hidden = !data.next_cursor;
}

$('kv-refresh').addEventListener('click', () => refreshKeys());
$('kv-more').addEventListener('click', () => refreshKeys(true));

// ---- Phone records --------------------------------------------------------------------------

$('record-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit(
    e.target,
    () => api('POST', 'records', { body: formValues(e.target) }),
    ({ data }) => {
      e.target.reset();
      say(`Record created for ${data.name}. Its id is ${data.record_id}.`);
    },
  );
});

// A user sees only their own record of a phone; an admin sees every owner's.
$('lookup-form').addEventListener('submit', (e) => {
  e.preventDefault();
  $('record-result').hidden = true;
  submit(
    e.target,
    () => api('POST', 'records/lookup', { body: formValues(e.target) }),
    ({ data }) => {
      if (data.items.length === 0) return say('No record for this phone.');
      const entries = data.items.flatMap((record) => [
        ['Name', record.name],
        ['Date of birth', record.dob],
        ['Height', `${record.height} cm`],
        ['Weight', `${record.weight} kg`],
        ['Record id', record.record_id],
        ...(record.user_id === state.user.user_id ? [] : [['Owner', record.user_id]]),
      ]);
      $('record-result').replaceChildren(
        ...entries.flatMap(([term, value]) => {
          const dt = document.createElement('dt');
          dt.textContent = term;
          const dd = document.createElement('dd');
          dd.textContent = value;
          return [dt, dd];
        }),
      );
      $('record-result').hidden = false;
      const [first] = data.items;
      say(
        data.items.length === 1
          ? `Found the record of ${first.name}.`
          : `Found ${data.items.length} records of this phone${data.next_cursor ? ' (the newest; there are more)' : ''}.`,
      );
    },
  );
});
