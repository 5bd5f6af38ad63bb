// An upstream OpenID Provider for the social sign-in tests (issue #26): npm's oidc-provider, a certified
// implementation, on a free loopback port, with its development login pages (any login name signs in as that
// account). A login "unverified:<email>" is an account whose email the provider did not verify; any other login is
// the email itself.
//
//   import { startProvider } from './oidc-provider.mjs'        (tests/conformance/social-sign-in.test.mjs)
//   node oidc-provider.mjs <redirect uri>                      (the Chromium journey): prints one JSON line
//                                                              {issuer, clientId, clientSecret} and serves until killed

import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Provider from 'oidc-provider';

function claimsOf(accountId) {
  const unverified = accountId.startsWith('unverified:');
  const email = unverified ? accountId.slice('unverified:'.length) : accountId;
  return { sub: accountId, email, email_verified: !unverified, given_name: 'Ann', family_name: 'Provider', name: 'Ann Provider' };
}

export async function startProvider(redirectUri) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const client = {
    client_id: `latchkey-${randomBytes(4).toString('hex')}`,
    client_secret: randomBytes(24).toString('hex'),
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
  const provider = new Provider(issuer, {
    clients: [client],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => ({ accountId: id, claims: () => claimsOf(id) }),
  });
  provider.on('server_error', (ctx, error) => console.error(`oidc-provider: ${ctx.method} ${ctx.path}: ${error.stack}`));
  server.on('request', provider.callback());
  return { issuer, client, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { issuer, client } = await startProvider(process.argv[2]);
  console.log(JSON.stringify({ issuer, clientId: client.client_id, clientSecret: client.client_secret }));
}
