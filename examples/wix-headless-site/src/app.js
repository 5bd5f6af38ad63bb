// The example site's code: the Wix SDK as any headless site uses it, plus one line (useLatchkey) that sends the SDK's
// requests to Latchkey instead of Wix. Every step of docs/wix-sdk.md's quick start happens here.
import { useLatchkey } from '@latchkey/wix-sdk';
import { redirects } from '@wix/redirects';
import { createClient, OAuthStrategy } from '@wix/sdk';

const { latchkeyUrl, clientId } = window.LATCHKEY_SITE;
useLatchkey(latchkeyUrl); // ← the one line: everything below is unchanged Wix SDK code

const saved = JSON.parse(localStorage.getItem('tokens') ?? 'null');
const client = createClient({ modules: { redirects }, auth: OAuthStrategy({ clientId, ...(saved && { tokens: saved }) }) });
const here = window.location.origin;
const $ = (id) => document.getElementById(id);

function say(text) {
  $('message').textContent = text;
}

function keep(tokens) {
  client.auth.setTokens(tokens);
  localStorage.setItem('tokens', JSON.stringify(tokens));
}

/** Who the access token belongs to, from Latchkey's token-info (the URL the SDK's own getTokenInfo calls). */
async function tokenInfo(token) {
  const response = await fetch('https://www.wixapis.com/oauth2/token-info', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!response.ok) throw new Error(`token-info answered ${response.status}`);
  return response.json();
}

async function showWho() {
  let tokens = client.auth.getTokens();
  if (!tokens.accessToken?.value || tokens.accessToken.expiresAt * 1000 < Date.now()) {
    tokens = await client.auth.generateVisitorTokens(tokens);
    keep(tokens);
  }
  const info = await tokenInfo(tokens.accessToken.value);
  const member = info.subjectType === 'MEMBER';
  $('who').textContent = member ? 'a member' : 'a visitor';
  $('member-id').textContent = member ? ` (${info.subjectId})` : '';
  $('expires').textContent = new Date(tokens.accessToken.expiresAt * 1000).toISOString();
  $('renew').hidden = !member;
  $('logout').hidden = !member;
}

let pending; // the state of a registration or login waiting for its email code

async function handle(result) {
  switch (result.loginState) {
    case 'SUCCESS': {
      // Direct login: a hidden iframe on Latchkey posts the code back (web_message), exchanged for member tokens.
      keep(await client.auth.getMemberTokensForDirectLogin(result.data.sessionToken));
      pending = undefined;
      $('verify').hidden = true;
      say('You are signed in.');
      break;
    }
    case 'EMAIL_VERIFICATION_REQUIRED':
      pending = result;
      $('verify').hidden = false;
      say('We sent you a code: enter it to finish.');
      break;
    case 'OWNER_APPROVAL_REQUIRED':
      say('The site owner will approve your account.');
      break;
    default:
      say(`That did not work: ${result.errorCode ?? result.error}`);
  }
  await showWho();
}

function form(id, action) {
  $(id).addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(event.target));
    try {
      await action(fields);
    } catch (error) {
      say(`That did not work: ${error.message}`);
    }
  });
}

function button(id, action) {
  $(id).addEventListener('click', async () => {
    try {
      await action();
    } catch (error) {
      say(`That did not work: ${error.message}`);
    }
  });
}

async function home() {
  form('register', async ({ email, password }) => handle(await client.auth.register({ email, password })));
  form('login', async ({ email, password }) => handle(await client.auth.login({ email, password })));
  form('verify', async ({ code }) => handle(await client.auth.processVerification({ verificationCode: code }, pending)));
  form('forgot', async ({ email }) => {
    await client.auth.sendPasswordResetEmail(email, `${here}/after-reset.html`);
    say('If that email has an account, a reset link is on its way.');
  });
  button('renew', async () => {
    const tokens = client.auth.getTokens();
    keep(await client.auth.renewToken(tokens.refreshToken));
    say('Token renewed.');
    await showWho();
  });
  button('logout', async () => {
    const { logoutUrl } = await client.auth.logout(`${here}/bye.html`);
    localStorage.removeItem('tokens');
    window.location.href = logoutUrl;
  });
  button('hosted', async () => {
    const data = client.auth.generateOAuthData(`${here}/callback.html`, window.location.href);
    sessionStorage.setItem('oauthData', JSON.stringify(data));
    const { authUrl } = await client.auth.getAuthUrl(data);
    window.location.href = authUrl;
  });
  button('login-intent', async () => {
    // Latchkey's sign-in page, then back here with ?wixMemberLoggedIn=true (the redirect session's login intent).
    const { redirectSession } = await client.redirects.createRedirectSession({ login: {}, callbacks: { postFlowUrl: `${here}/` } });
    window.location.href = redirectSession.fullUrl;
  });
  if (new URLSearchParams(window.location.search).get('wixMemberLoggedIn') === 'true') {
    // Back from the sign-in page: Latchkey's browser session answers authorize without asking again.
    const data = client.auth.generateOAuthData(`${here}/callback.html`, `${here}/`);
    sessionStorage.setItem('oauthData', JSON.stringify(data));
    const { authUrl } = await client.auth.getAuthUrl(data, { prompt: 'none' });
    window.location.href = authUrl;
    return;
  }
  try {
    await showWho();
  } catch (error) {
    $('who').textContent = 'nobody';
    say(`Latchkey could not be reached: ${error.message}`);
  }
}

async function callback() {
  const data = JSON.parse(sessionStorage.getItem('oauthData') ?? 'null');
  const { code, state, error, errorDescription } = client.auth.parseFromUrl();
  if (error || !data) {
    say(`Sign-in failed: ${errorDescription ?? error ?? 'no sign-in was started here'}`);
    return;
  }
  keep(await client.auth.getMemberTokens(code, state, data));
  sessionStorage.removeItem('oauthData');
  window.location.replace(data.originalUri || '/');
}

(window.location.pathname.endsWith('/callback.html') ? callback() : home()).catch((error) => say(error.message));
