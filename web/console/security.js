// Two-step sign-in (an authenticator app, TOTP, with recovery codes) and step-up, the proof that a
// sensitive action asks for. Loaded after app.js, whose helpers it uses. Whether the account has an
// authenticator is known from how it signed in (a password alone signs in only an account without
// one) and kept as it changes here; an answer saying otherwise (set up or removed elsewhere) corrects it.

// ---- Step-up --------------------------------------------------------------------------------

/** The action the step-up dialog is asking for: `run(proof)` sends it; `result` is its answer once done. */
let asked = null;

/** Which proof the dialog asks for: the current password, or a code from the authenticator. */
function proveWith(kind) {
  const code = kind === 'totp';
  clearErrors($('step-up-form'));
  $('step-up-password-field').hidden = code;
  $('step-up-password').disabled = code;
  $('step-up-code-field').hidden = !code;
  $('step-up-code').disabled = !code;
  $('step-up-switch').textContent = code ? 'Use your password instead' : 'Use a code from your authenticator app';
}

/**
 * Asks who is there before a sensitive action (the current password, or with an authenticator one of
 * its codes), then runs `run(proof)`. A wrong or missing proof is said in the dialog, which stays open
 * for another try. Resolves to the action's answer, or null when cancelled.
 */
function stepUp({ title = 'Confirm it is you', text, ok = 'Confirm', danger = false }, run) {
  const dialog = $('step-up');
  const form = $('step-up-form');
  form.reset();
  say(form, '');
  proveWith('password');
  $('step-up-title').textContent = title;
  $('step-up-text').textContent =
    `${text} ${auth.totp ? 'Enter your current password or a code from your authenticator app.' : 'Enter your current password.'}`;
  $('step-up-switch').hidden = !auth.totp;
  $('step-up-ok').textContent = ok;
  $('step-up-ok').className = danger ? 'danger' : 'primary';
  asked = { run, result: null };
  dialog.showModal();
  $('step-up-password').focus();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(asked?.result ?? null), { once: true }));
}

/** Sends a request; when the API answers that it needs step-up (an administrator acting on another), asks and sends it again. */
// biome-ignore lint/correctness/noUnusedVariables: app.js calls it (the users view)
async function withStepUp(prompt, run) {
  const first = await run({});
  if (first.status !== 400 || !first.data?.errors?.some((e) => e.path === 'body.current_password')) return first;
  return stepUp(prompt, run);
}

$('step-up-switch').addEventListener('click', () => {
  const code = $('step-up-code').disabled;
  proveWith(code ? 'totp' : 'password');
  $(code ? 'step-up-code' : 'step-up-password').focus();
});
// Not while the action is on its way: its answer would come after "nothing was changed".
const sending = () => $('step-up-ok').getAttribute('aria-busy') === 'true';
$('step-up-cancel').addEventListener('click', () => sending() || $('step-up').close());
$('step-up').addEventListener('cancel', (event) => sending() && event.preventDefault());

onSubmit($('step-up-form'), async ({ current_password, totp_code }, form) => {
  const device_token = current_password === undefined ? undefined : await deviceToken(auth.user.email);
  const proof = current_password === undefined ? { totp_code } : { current_password, ...(device_token && { device_token }) };
  const result = await asked.run(proof);
  const aboutProof = result.status === 403 || result.status === 429 || result.data?.errors?.some((e) => /^body\.(current_password|totp_code)$/.test(e.path));
  if (!result.ok && aboutProof) return report(form, result);
  asked.result = result;
  $('step-up').close();
});

// ---- Two-step sign-in -----------------------------------------------------------------------

/** Shows the authenticator's state and what can be done: `off`, `setup` (QR code and key), `codes` (shown once), `on`. */
function showTotp(stage = auth.totp ? 'on' : 'off') {
  $('totp-state').textContent = auth.totp
    ? 'On: after your password, signing in asks for a code from your authenticator app.'
    : 'Off: your password alone signs you in. With an authenticator app, a stolen password is not enough.';
  $('totp-off').hidden = stage !== 'off';
  $('totp-setup').hidden = stage !== 'setup';
  $('recovery').hidden = stage !== 'codes';
  $('totp-on').hidden = stage !== 'on';
  if (stage !== 'setup') {
    $('totp-qr').replaceChildren();
    $('totp-secret').replaceChildren();
    $('totp-confirm-form').reset();
    clearErrors($('totp-confirm-form'));
  }
  if (stage !== 'codes') $('recovery-codes').replaceChildren();
}

/** Reads whether the account has an authenticator (however this session signed in) and shows it. */
// biome-ignore lint/correctness/noUnusedVariables: app.js calls it (signIn)
async function loadTotp() {
  auth.totp = false;
  showTotp();
  const session = auth.generation;
  const result = await api('GET', 'me/totp');
  if (!result.ok || session !== auth.generation || !$('totp-setup').hidden || !$('recovery').hidden) return;
  auth.totp = result.data.enabled;
  showTotp();
  if (auth.totp) $('totp-state').textContent += ` Recovery codes left: ${result.data.recovery_codes_left} of 10.`;
}

/** Forgets everything shown of the account's factors (signing out). */
// biome-ignore lint/correctness/noUnusedVariables: app.js calls it (endSession)
function resetSecurity() {
  if ($('step-up').open) $('step-up').close();
  auth.totp = false;
  showTotp('off');
}

let qrScript;
/** qrcode-generator (assets/qrcode.js, global `qrcode`), loaded the first time a QR code is drawn. */
function qrLibrary() {
  qrScript ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'assets/qrcode.js';
    script.onload = () => resolve(window.qrcode);
    script.onerror = () => {
      qrScript = undefined;
      script.remove();
      reject(new Error('assets/qrcode.js did not load'));
    };
    document.head.append(script);
  });
  return qrScript;
}

/** Draws `text` as a QR code in an SVG (dark modules as one path, a quiet zone of 4 around). */
async function drawQr(box, text) {
  try {
    const qr = (await qrLibrary())(0, 'M');
    qr.addData(text);
    qr.make();
    const size = qr.getModuleCount();
    const quiet = 4;
    let modules = '';
    for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) if (qr.isDark(row, col)) modules += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const side = size + 2 * quiet;
    svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
    svg.setAttribute('shape-rendering', 'crispEdges');
    svg.setAttribute('aria-hidden', 'true');
    const background = document.createElementNS(svg.namespaceURI, 'rect');
    background.setAttribute('width', String(side));
    background.setAttribute('height', String(side));
    background.setAttribute('fill', '#fff');
    const dark = document.createElementNS(svg.namespaceURI, 'path');
    dark.setAttribute('d', modules);
    dark.setAttribute('fill', '#000');
    svg.append(background, dark);
    box.replaceChildren(svg);
  } catch (error) {
    console.warn(error);
    box.textContent = 'The QR code cannot be shown here: enter the key below in your app instead.';
  }
}

onClick('totp-start', async () => {
  const button = $('totp-start');
  const result = await stepUp({ text: 'To set up an authenticator app, confirm it is you.', ok: 'Continue' }, (proof) =>
    api('POST', 'me/totp', { body: proof }),
  );
  if (!result) return done(button, 'Nothing was changed.', 'info');
  if (result.status === 409) {
    auth.totp = true;
    showTotp();
    return done($('totp-state'), 'Your account already has an authenticator (set up elsewhere): remove it first to set up another.', 'info');
  }
  if (!result.ok) return report(button, result);
  const { secret, otpauth_uri } = result.data;
  showTotp('setup');
  say($('totp-state'), '');
  $('totp-secret').replaceChildren(copyable(secret, 'key', secret.replace(/(.{4})(?=.)/g, '$1 ')));
  await drawQr($('totp-qr'), otpauth_uri);
  $('totp-heading').focus();
});

onClick('totp-cancel', () => {
  showTotp();
  done($('totp-state'), 'Two-step sign-in stays off.', 'info');
});

onSubmit($('totp-confirm-form'), async ({ code }, form) => {
  const result = await api('POST', 'me/totp/confirm', { body: { code } });
  if (result.status === 422 && result.data.errors?.some((e) => e.path === 'body.code' && e.message === 'Incorrect code')) {
    clearErrors(form);
    markInvalid($('totp-code'), 'This is not the code the app shows now: it changes every 30 seconds; enter the newest one.');
    return $('totp-code').select();
  }
  if (!result.ok) return report(form, result);
  auth.totp = true;
  showCodes(result.data.recovery_codes, 'Two-step sign-in is on: from now on, signing in asks for a code from your app.');
});

/** Shows the ten recovery codes, this once. */
function showCodes(codes, message) {
  showTotp('codes');
  $('recovery-codes').replaceChildren(
    ...codes.map((code) => {
      const item = document.createElement('li');
      const text = document.createElement('code');
      text.textContent = code;
      item.append(text);
      return item;
    }),
  );
  say($('totp-state'), message);
  $('recovery-heading').focus();
}

const recoveryText = () => [...$('recovery-codes').querySelectorAll('code')].map((code) => code.textContent).join('\n');

onClick('recovery-copy', async () => {
  try {
    await navigator.clipboard.writeText(recoveryText());
    done($('recovery-copy'), 'The ten codes are copied: paste them somewhere safe.');
  } catch {
    getSelection().selectAllChildren($('recovery-codes'));
    done($('recovery-copy'), 'Copying is blocked here: the codes are selected, press Ctrl+C (or Cmd+C).', 'info');
  }
});

onClick('recovery-download', () => {
  const text = `Recovery codes for ${auth.user.email} (${document.baseURI})\nEach signs in once in place of a code from your authenticator app.\n\n${recoveryText()}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'recovery-codes.txt';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  done($('recovery-download'), 'Downloaded recovery-codes.txt: keep it somewhere safe.');
});

onClick('recovery-done', () => {
  showTotp();
  done($('totp-state'), 'Two-step sign-in is on.');
});

onClick('recovery-new', async () => {
  const button = $('recovery-new');
  const result = await stepUp({ text: 'New recovery codes replace your current ones, which stop working.', ok: 'Make new codes' }, (proof) =>
    api('POST', 'me/recovery-codes', { body: proof }),
  );
  if (!result) return done(button, 'Nothing was changed.', 'info');
  if (result.status === 409) {
    auth.totp = false;
    showTotp();
    return done($('totp-state'), 'Your account has no authenticator (it was removed elsewhere), so it has no recovery codes.', 'info');
  }
  if (!result.ok) return report(button, result);
  showCodes(result.data.recovery_codes, 'New recovery codes: the old ones no longer work.');
});

onClick('totp-remove', async () => {
  const button = $('totp-remove');
  const result = await stepUp(
    {
      title: 'Remove the authenticator?',
      text: 'Your password alone will sign you in again, and your recovery codes stop working.',
      ok: 'Remove',
      danger: true,
    },
    (proof) => api('DELETE', 'me/totp', { body: proof }),
  );
  if (!result) return done(button, 'Nothing was changed.', 'info');
  if (!result.ok && result.status !== 404) return report(button, result);
  auth.totp = false;
  showTotp();
  done($('totp-state'), 'The authenticator is removed: your password alone signs you in.');
});
