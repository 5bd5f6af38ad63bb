// The unmodified Wix SDK against a Latchkey site whose CAPTCHA policy is `always` (issue #6): the SDK must report
// missingCaptchaToken and invalidCaptchaToken from Latchkey's -19971 / -19970, and pass with a good token.
// The site uses the reCAPTCHA provider with its verify URL pointing at a real verifier on loopback (below), which
// accepts the token "good" and refuses anything else. run.sh runs this file after the other suites, alone, because
// it changes the policy of the one site they share.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createServer } from 'node:http';
import { createClient, OAuthStrategy } from '@wix/sdk';
import { env, PASSWORD, requireEnv, test, uniqueEmail } from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID', 'API_KEY']);

const newClient = () => createClient({ auth: OAuthStrategy({ clientId: env.clientId }) });
let verifier;

async function setPolicy(body) {
  const res = await fetch(`${env.base}/admin/v1/captcha-policy`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: env.apiKey },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `PATCH captcha-policy: ${res.status} ${await res.text()}`);
}

before(async () => {
  verifier = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('response');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ success: token === 'good' }));
    });
  });
  await new Promise((resolve) => verifier.listen(0, '127.0.0.1', resolve));
  await setPolicy({
    mode: 'always',
    provider: 'recaptcha',
    secret: 'conformance-secret',
    verifyUrl: `http://127.0.0.1:${verifier.address().port}/siteverify`,
  });
});

after(async () => {
  await setPolicy({ mode: 'off' });
  verifier.close();
});

test('register without a CAPTCHA token → FAILURE, errorCode missingCaptchaToken', async () => {
  const result = await newClient().auth.register({ email: uniqueEmail('captcha'), password: PASSWORD });
  assert.equal(result.loginState, 'FAILURE', JSON.stringify(result));
  assert.equal(result.errorCode, 'missingCaptchaToken', JSON.stringify(result));
});

test('register with a refused token → FAILURE, errorCode invalidCaptchaToken; with a good one → SUCCESS', async () => {
  const email = uniqueEmail('captcha');
  const refused = await newClient().auth.register({ email, password: PASSWORD, captchaTokens: { recaptchaToken: 'forged' } });
  assert.equal(refused.errorCode, 'invalidCaptchaToken', JSON.stringify(refused));
  const passed = await newClient().auth.register({ email, password: PASSWORD, captchaTokens: { recaptchaToken: 'good' } });
  assert.equal(passed.loginState, 'SUCCESS', JSON.stringify(passed));
});

test('login: missing → missingCaptchaToken, refused → invalidCaptchaToken, invisible token accepted → SUCCESS', async () => {
  const email = uniqueEmail('captcha');
  const registered = await newClient().auth.register({ email, password: PASSWORD, captchaTokens: { recaptchaToken: 'good' } });
  assert.equal(registered.loginState, 'SUCCESS', JSON.stringify(registered));

  const missing = await newClient().auth.login({ email, password: PASSWORD });
  assert.equal(missing.errorCode, 'missingCaptchaToken', JSON.stringify(missing));
  const invalid = await newClient().auth.login({ email, password: PASSWORD, captchaTokens: { recaptchaToken: 'forged' } });
  assert.equal(invalid.errorCode, 'invalidCaptchaToken', JSON.stringify(invalid));
  const ok = await newClient().auth.login({ email, password: PASSWORD, captchaTokens: { invisibleRecaptchaToken: 'good' } });
  assert.equal(ok.loginState, 'SUCCESS', JSON.stringify(ok));
});
