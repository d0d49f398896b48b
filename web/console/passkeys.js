// Passkeys in the console: "Sign in with a passkey" on the sign-in view, and the Passkeys panel of
// "Profile & security" (add, rename, remove). It runs after console.js, whose helpers it uses (send,
// api, signIn, say, done, report, busy, onSubmit, confirmed, row, when, views, lists), and drives
// the browser's WebAuthn through @simplewebauthn/browser (assets/webauthn.js, SimpleWebAuthnBrowser).

const webauthn = globalThis.SimpleWebAuthnBrowser;
const passkeysSupported = Boolean(webauthn?.browserSupportsWebAuthn());

/** What the browser's passkey dialog ending without a passkey means here (the person cancelled, or none fits). */
function ceremonyFailed(where, error, kind = 'info') {
  const cancelled = error?.name === 'NotAllowedError' || error?.code === 'ERROR_CEREMONY_ABORTED';
  done(where, cancelled ? 'No passkey was used, so nothing changed.' : `The passkey did not work here: ${error?.message ?? error}`, cancelled ? kind : 'error');
}

// ---- Sign in with a passkey ---------------------------------------------------------------------

$('passkey-sign-in-area').hidden = !passkeysSupported;

onClick('passkey-sign-in', async () => {
  const status = $('passkey-sign-in-status');
  say(status, '');
  const options = await send('POST', 'auth/passkey/options', { signed: false });
  if (!options.ok) return done(status, options.data.detail, 'error');
  let credential;
  try {
    credential = await webauthn.startAuthentication({ optionsJSON: options.data });
  } catch (error) {
    return ceremonyFailed(status, error);
  }
  // The account is known only now, by the passkey's user handle (its id): this browser's device token for it, if kept.
  const userId = credential.response.userHandle && atob(credential.response.userHandle.replaceAll('-', '+').replaceAll('_', '/'));
  const device_token = userId && (await deviceToken(`id:${userId}`));
  const result = await send('POST', 'auth/passkey', { body: { credential, ...(device_token && { device_token }) }, signed: false });
  if (!result.ok) return done(status, result.data.detail, 'error');
  say(status, '');
  signIn(result.data);
});

// A device token is kept under the account's id too, which a passkey names before the account is known.
const keepDeviceByName = keepDevice;
keepDevice = async (user, token, keep = true) => {
  await keepDeviceByName(user, token, keep);
  await keepDeviceByName({ email: `id:${user.user_id}` }, token, keep);
};

// ---- A passkey as the second step of a password sign-in --------------------------------------

let passkeyOptions = null; // the passkey_options of the sign-in challenge in progress

/** The second step offers the passkey when the account has one; with no authenticator code to type, only the passkey. */
const askCode = askSecondFactor;
// console.js calls the global askSecondFactor and leaveSecondFactor: these wrap them.
askSecondFactor = (token, answer) => {
  askCode(token);
  passkeyOptions = answer?.methods?.includes('passkey') && passkeysSupported ? answer.passkey_options : null;
  $('mfa-passkey').hidden = !passkeyOptions;
  $('passkey-sign-in-area').hidden = true;
  const codes = answer?.methods?.some((m) => m !== 'passkey') ?? true;
  $('mfa-form').hidden = !codes;
  $('mfa-passkey-cancel').hidden = codes;
  if (passkeyOptions) {
    $('login-heading').textContent = codes ? 'Enter your code or use a passkey' : 'Use your passkey';
    if (!codes) $('mfa-passkey-use').focus();
  }
};

const leaveCode = leaveSecondFactor;
leaveSecondFactor = () => {
  leaveCode();
  passkeyOptions = null;
  $('mfa-passkey').hidden = true;
  say($('mfa-passkey-status'), '');
  $('passkey-sign-in-area').hidden = !passkeysSupported;
};

onClick('mfa-passkey-cancel', () => {
  leaveSecondFactor();
  $('login-id').focus();
});

onClick('mfa-passkey-use', async () => {
  const status = $('mfa-passkey-status');
  let passkey;
  try {
    passkey = await webauthn.startAuthentication({ optionsJSON: passkeyOptions });
  } catch (error) {
    return ceremonyFailed(status, error);
  }
  const result = await send('POST', 'auth/login/mfa', { body: { challenge, passkey }, signed: false });
  if (result.ok) {
    leaveSecondFactor();
    return signIn(result.data);
  }
  if (result.status === 401 && /sign in again/i.test(result.data.detail)) {
    leaveSecondFactor();
    return done($('login-form'), 'That sign-in has expired. Please sign in again.', 'error');
  }
  done(status, result.data.detail, 'error');
});

// ---- Your passkeys ------------------------------------------------------------------------------

/**
 * The proof a change asks for (step-up): the current password if typed, else an assertion of one of
 * the caller's passkeys. Undefined when none could be had (the panel says why).
 */
async function passkeyStepUp(form) {
  const password = $('passkey-current').value;
  if (password) return { current_password: password };
  const challenge = await api('POST', 'me/passkeys/challenge');
  if (challenge.status === 409) {
    report(form, { data: { detail: '', errors: [{ path: 'body.current_password', message: 'Enter your current password to confirm it is you' }] } });
    return undefined;
  }
  if (!challenge.ok) return void report(form, challenge);
  try {
    return { passkey: await webauthn.startAuthentication({ optionsJSON: challenge.data }) };
  } catch (error) {
    ceremonyFailed(form, error);
    return undefined;
  }
}

function passkeyRow(passkey) {
  const rename = document.createElement('button');
  rename.type = 'button';
  rename.className = 'quiet';
  rename.textContent = 'Rename';
  rename.setAttribute('aria-label', `Rename the passkey ${passkey.name}`);
  rename.addEventListener('click', () =>
    busy(rename, async () => {
      const name = $('passkey-name').value.trim();
      if (!name) {
        $('passkey-name').focus();
        return done($('passkey-form'), `Type the new name of “${passkey.name}” in the name field, then choose Rename again.`, 'info');
      }
      const result = await api('PATCH', `me/passkeys/${passkey.passkey_id}`, { body: { name } });
      if (!result.ok) return report($('passkey-form'), result);
      $('passkey-name').value = '';
      await loadPasskeys();
      done($('passkey-form'), `Passkey renamed to “${result.data.name}”.`);
    }),
  );
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'quiet danger';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove the passkey ${passkey.name}`);
  remove.addEventListener('click', () =>
    busy(remove, async () => {
      const form = $('passkey-form');
      const sure = await confirmed(
        `Remove “${passkey.name}”?`,
        'It will no longer sign you in or confirm changes. The passkey itself stays on its device until you delete it there.',
        'Remove passkey',
      );
      if (!sure) return done(form, 'Nothing was removed.', 'info');
      const proof = await passkeyStepUp(form);
      if (!proof) return;
      const result = await api('DELETE', `me/passkeys/${passkey.passkey_id}`, { body: proof });
      if (!result.ok) return report(form, result);
      $('passkey-current').value = '';
      await loadPasskeys();
      done(form, `Passkey “${passkey.name}” removed.`);
    }),
  );
  const actions = document.createElement('span');
  actions.className = 'row-actions';
  actions.append(rename, remove);
  const dates = document.createElement('span');
  dates.className = 'dates';
  dates.append(`Added ${day(passkey.created_at)}`, document.createElement('br'), passkey.last_used_at ? `Used ${when(passkey.last_used_at)}` : 'Never used');
  return row(passkey.name, dates, actions);
}

async function loadPasskeys() {
  const result = await api('GET', 'me/passkeys');
  if (!result.ok) return report($('passkeys-list'), result);
  $('passkeys-list').replaceChildren(...result.data.items.map(passkeyRow));
  $('passkeys-empty').hidden = result.data.items.length > 0;
}

onSubmit($('passkey-form'), async ({ name }, form) => {
  if (!passkeysSupported) return done(form, 'This browser cannot make passkeys.', 'error');
  const proof = await passkeyStepUp(form);
  if (!proof) return;
  const options = await api('POST', 'me/passkeys/options', { body: proof });
  if (!options.ok) return report(form, options);
  let credential;
  try {
    credential = await webauthn.startRegistration({ optionsJSON: options.data });
  } catch (error) {
    return ceremonyFailed(form, error);
  }
  const result = await api('POST', 'me/passkeys', { body: { name, credential } });
  if (!result.ok) return report(form, result);
  form.reset();
  await loadPasskeys();
  done(form, `Passkey “${result.data.name}” added: you can sign in with it now.`);
});

const enterProfile = views.profile.enter;
views.profile.enter = () => {
  enterProfile();
  loadPasskeys();
};
lists.push({
  clear() {
    $('passkeys-list').replaceChildren();
    $('passkeys-empty').hidden = true;
  },
});
