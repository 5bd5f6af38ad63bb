// Conformance: the unmodified Members module client (@wix/members 1.0.519) against Latchkey (docs/wire/members.md),
// with OAuthStrategy (visitors and members) and ApiKeyStrategy (an admin API key). Run through run.sh, which also
// creates a second site and exports its admin key as OTHER_SITE_API_KEY for the cross-site refusals.

import assert from 'node:assert/strict';
import { ApiKeyStrategy, createClient, OAuthStrategy } from '@wix/sdk';
import { members } from '@wix/members';
import { APP_ORIGIN, CALLBACK_URI, PASSWORD, env, exchangesSince, requireEnv, test, uniqueEmail } from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID', 'API_KEY']);

const otherSiteKey = process.env.OTHER_SITE_API_KEY;

function oauthClient() {
  return createClient({ modules: { members }, auth: OAuthStrategy({ clientId: env.clientId }) });
}

function adminClient(apiKey = env.apiKey) {
  return createClient({ modules: { members }, auth: ApiKeyStrategy({ apiKey }) });
}

/** Register through the SDK, then authorize (prompt=none) and exchange the code, as a server-side app does. */
async function signedIn(profile, email = uniqueEmail('members')) {
  const client = oauthClient();
  const registered = await client.auth.register({ email, password: PASSWORD, profile });
  assert.equal(registered.loginState, 'SUCCESS', `register ${email}: ${JSON.stringify(registered)}`);
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI, `${APP_ORIGIN}/account`);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, {
    prompt: 'none',
    sessionToken: registered.data.sessionToken,
    responseMode: 'query',
  });
  const res = await fetch(authUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, `authorize: ${res.status} ${await res.text()}`);
  const { code, state } = client.auth.parseFromUrl(res.headers.get('location'), 'query');
  const tokens = await client.auth.getMemberTokens(code, state, oauthData);
  client.auth.setTokens(tokens);
  const me = await client.members.getCurrentMember();
  return { client, email, tokens, id: me.member._id };
}

/** The call fails as Latchkey documents it: HTTP status and Latchkey's stable code (the envelope's top-level code). */
async function refused(promise, status, code) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${status} ${code}, the call succeeded`);
  const body = error.response?.data;
  assert.equal(error.status ?? error.response?.status, status, `status: ${error.message}`);
  // The SDK's error keeps the envelope's details; Latchkey's code is in applicationError.data (docs/wire/conventions.md#errors).
  // A validation error carries fieldViolations instead.
  const latchkeyCode = body?.code ?? body?.details?.applicationError?.data?.code ?? (body?.details?.validationError ? 'validation_failed' : undefined);
  assert.equal(latchkeyCode, code, `code: ${JSON.stringify(body)}`);
  return error;
}

// --- the signed-in member ---------------------------------------------------------------------------------

test('getCurrentMember: PUBLIC by default, everything with FULL, dates as Date', async () => {
  const ann = await signedIn({ firstName: 'Ann', lastName: 'Smith', nickname: 'annie', privacyStatus: 'PUBLIC' });

  const standard = (await ann.client.members.getCurrentMember()).member;
  assert.equal(standard._id, ann.id);
  assert.equal(standard.profile.nickname, 'annie');
  assert.equal(standard.status, 'UNKNOWN');
  assert.equal(standard.loginEmail, undefined);
  assert.ok(standard._createdDate instanceof Date, `_createdDate: ${standard._createdDate}`);

  const full = (await ann.client.members.getCurrentMember({ fieldsets: ['FULL'] })).member;
  assert.equal(full.loginEmail, ann.email);
  assert.equal(full.status, 'APPROVED');
  assert.equal(full.privacyStatus, 'PUBLIC');
  assert.equal(full.activityStatus, 'ACTIVE');
  assert.equal(full.contact.firstName, 'Ann');
  assert.equal(full.contact.lastName, 'Smith');
  assert.deepEqual(full.contact.phones, []);
  assert.ok(full.lastLoginDate instanceof Date, `lastLoginDate: ${full.lastLoginDate}`);
});

test('updateMember: a member changes its own contact, profile and privacy; getMember shows it', async () => {
  const ann = await signedIn({ firstName: 'Ann' });

  const updated = await ann.client.members.updateMember(ann.id, {
    contact: { lastName: 'Smith', jobTitle: 'Engineer', birthdate: '1990-02-03' },
    profile: { nickname: 'Ann S.', title: 'Moderator', photo: { url: 'https://cdn.example/ann.png' } },
    privacyStatus: 'PUBLIC',
  });
  assert.equal(updated._id, ann.id);
  assert.equal(updated.contact.firstName, 'Ann');
  assert.equal(updated.contact.lastName, 'Smith');
  assert.equal(updated.contact.jobTitle, 'Engineer');
  assert.equal(updated.profile.photo.url, 'https://cdn.example/ann.png');
  assert.equal(updated.privacyStatus, 'PUBLIC');

  // Public now: another member finds it, in the PUBLIC fieldset only.
  const bob = await signedIn();
  const seen = await bob.client.members.getMember(ann.id, { fieldsets: ['FULL'] });
  assert.equal(seen.profile.nickname, 'Ann S.');
  assert.equal(seen.loginEmail, undefined);
  assert.equal(seen.contact, undefined);
});

test('updateMember: the login email and the status are not the member\'s to change', async () => {
  const ann = await signedIn();
  await refused(ann.client.members.updateMember(ann.id, { loginEmail: uniqueEmail('mallory') }), 400, 'validation_failed');
  await refused(ann.client.members.updateMember(ann.id, { status: 'BLOCKED' }), 400, 'validation_failed');
});

test('updateCurrentMemberSlug: unique per site', async () => {
  const ann = await signedIn();
  const bob = await signedIn();
  const slug = `ann-${Date.now().toString(36)}`;

  const changed = await ann.client.members.updateCurrentMemberSlug(slug.toUpperCase());
  assert.equal(changed.member.profile.slug, slug);

  await refused(bob.client.members.updateCurrentMemberSlug(slug), 409, 'slug_already_exists');
  await refused(bob.client.members.updateCurrentMemberSlug('not a slug/'), 400, 'validation_failed');
});

// --- listing and querying ---------------------------------------------------------------------------------

test('listMembers: paging, sorting (packed into .r) and fieldsets with an admin key', async () => {
  const tag = Date.now().toString(36);
  for (const n of ['b', 'a', 'c']) {
    await signedIn({ nickname: `${tag}-${n}`, privacyStatus: 'PUBLIC' });
  }
  const admin = adminClient();

  const mark = globalThis.__conformanceFetchLog.next();
  const page = await admin.members.listMembers({
    paging: { limit: 2, offset: 0 },
    sorting: [{ fieldName: 'createdDate', order: 'DESC' }],
    fieldsets: ['FULL'],
  });
  const call = exchangesSince(mark).find((e) => e.url.includes('/members/v1/members'));
  assert.match(call.url, /[?&]\.r=/, `the SDK packs sorting into .r: ${call.url}`);
  assert.equal(page.members.length, 2);
  assert.equal(page.metadata.count, 2);
  assert.equal(page.metadata.offset, 0);
  assert.ok(page.metadata.total >= 3);
  assert.equal(page.members[0].profile.nickname, `${tag}-c`);
  assert.ok(page.members[0].loginEmail, 'FULL for an admin key');

  const plain = await admin.members.listMembers({ paging: { limit: 1, offset: 1 } });
  assert.equal(plain.members.length, 1);
  assert.equal(plain.metadata.offset, 1);
  assert.equal(plain.members[0].loginEmail, undefined);
});

test('queryMembers: the builder\'s filters, sorting and offset paging', async () => {
  const tag = `q${Date.now().toString(36)}`;
  const made = [];
  for (const n of ['x', 'y', 'z']) {
    made.push(await signedIn({ nickname: `${tag}-${n}`, privacyStatus: 'PUBLIC' }, uniqueEmail(`${tag}-${n}`)));
  }
  const admin = adminClient();

  const byPrefix = await admin.members.queryMembers({ fieldsets: ['FULL'] })
    .startsWith('loginEmail', `conf-${tag}-`).ascending('profile.nickname').limit(2).find();
  assert.deepEqual(byPrefix.items.map((m) => m.profile.nickname), [`${tag}-x`, `${tag}-y`]);
  assert.equal(byPrefix.totalCount, 3);
  assert.equal(byPrefix.hasNext(), true);
  const next = await byPrefix.next();
  assert.deepEqual(next.items.map((m) => m.profile.nickname), [`${tag}-z`]);

  const one = await admin.members.queryMembers().eq('loginEmail', made[1].email.toUpperCase()).find();
  assert.deepEqual(one.items.map((m) => m._id), [made[1].id]);

  const some = await admin.members.queryMembers()
    .in('profile.nickname', [`${tag}-x`, `${tag}-z`]).eq('status', 'APPROVED').descending('profile.nickname').find();
  assert.deepEqual(some.items.map((m) => m.profile.nickname), [`${tag}-z`, `${tag}-x`]);

  const created = (await admin.members.getMember(made[0].id))._createdDate;
  const later = await admin.members.queryMembers()
    .startsWith('profile.nickname', tag).gt('_createdDate', created.toISOString()).find();
  assert.deepEqual(later.items.map((m) => m._id).sort(), [made[1].id, made[2].id].sort());

  const either = await admin.members.queryMembers()
    .eq('profile.nickname', `${tag}-x`)
    .or(admin.members.queryMembers().eq('profile.nickname', `${tag}-z`))
    .ascending('profile.nickname')
    .find();
  assert.deepEqual(either.items.map((m) => m.profile.nickname), [`${tag}-x`, `${tag}-z`]);

  // A member may query the public members by public fields.
  const viewer = made[0];
  const seen = await viewer.client.members.queryMembers().startsWith('profile.nickname', tag).find();
  assert.equal(seen.totalCount, 3);
  assert.equal(seen.items[0].loginEmail, undefined);
});

test('queryMembers: an unknown field or operator is a clear 400, never a 500', async () => {
  const admin = adminClient();
  await refused(admin.members.queryMembers().eq('contact.firstName', 'Ann').find(), 400, 'query_invalid');
  await refused(admin.members.queryMembers().contains('loginEmail', 'ann').find(), 400, 'query_invalid');
  await refused(admin.members.queryMembers().gt('loginEmail', 5).find(), 400, 'query_invalid');
  await refused(admin.members.queryMembers().limit(1000).find(), 400, 'query_invalid');
});

// --- the refusals ------------------------------------------------------------------------------------------

test('refusals: another member\'s private record, another member\'s update or deletion', async () => {
  const ann = await signedIn();
  const bob = await signedIn({ nickname: 'private bob', privacyStatus: 'PRIVATE' });

  await refused(ann.client.members.getMember(bob.id, { fieldsets: ['FULL'] }), 404, 'member_id_not_found');
  await refused(ann.client.members.updateMember(bob.id, { profile: { nickname: 'pwned' } }), 403, 'permission_denied');
  await refused(ann.client.members.deleteMember(bob.id), 403, 'permission_denied');
  assert.equal((await bob.client.members.getCurrentMember()).member.profile.nickname, 'private bob');
});

test('refusals: a visitor sees no emails and may not filter on them', async () => {
  const bob = await signedIn({ nickname: `visible-${Date.now().toString(36)}`, privacyStatus: 'PUBLIC' });
  const visitor = oauthClient();

  const seen = await visitor.members.getMember(bob.id, { fieldsets: ['FULL'] });
  assert.equal(seen.loginEmail, undefined);
  const listed = await visitor.members.listMembers({ fieldsets: ['FULL'], paging: { limit: 100 } });
  assert.ok(listed.members.every((m) => m.loginEmail === undefined && m.contact === undefined));
  await refused(visitor.members.queryMembers().startsWith('loginEmail', 'conf-').find(), 403, 'permission_denied');
  await refused(visitor.members.getCurrentMember(), 401, 'member_token_required');
});

test('refusals: another site\'s admin key sees and changes no member of this site', async (t) => {
  if (!otherSiteKey) {
    t.skip('OTHER_SITE_API_KEY not set (run.sh creates the second site)');
    return;
  }
  const bob = await signedIn({ privacyStatus: 'PUBLIC' });
  const other = adminClient(otherSiteKey);

  await refused(other.members.getMember(bob.id, { fieldsets: ['FULL'] }), 404, 'member_id_not_found');
  await refused(other.members.updateMember(bob.id, { profile: { nickname: 'pwned' } }), 404, 'member_id_not_found');
  await refused(other.members.deleteMember(bob.id), 404, 'member_id_not_found');
  const found = await other.members.queryMembers().eq('loginEmail', bob.email).find();
  assert.equal(found.items.length, 0);
  assert.ok((await bob.client.members.getCurrentMember()).member);
});

// --- deletion -----------------------------------------------------------------------------------------------

test('deleteMyMember: every credential ends, the refresh token fails, the email registers again', async () => {
  const ann = await signedIn();

  assert.deepEqual(await ann.client.members.deleteMyMember(), {});

  await refused(ann.client.members.getCurrentMember(), 401, 'unauthenticated');
  const mark = globalThis.__conformanceFetchLog.next();
  await assert.rejects(ann.client.auth.renewToken(ann.tokens.refreshToken));
  await new Promise((r) => setTimeout(r, 50)); // the log reads the answer's body in the background
  const refresh = exchangesSince(mark).find((e) => e.url.endsWith('/oauth2/token'));
  assert.equal(refresh.status, 400, `refresh after deletion: ${refresh.status} ${refresh.responseBody}`);
  assert.match(refresh.responseBody, /invalid_grant/);

  // The email is free again: registering it makes a new member. (That the old password no longer signs in is an
  // HTTP test, MembersApiTests: a failed login here would count towards the risk-mode CAPTCHA of every suite that
  // runs beside this one from the same address.)
  const again = await signedIn(undefined, ann.email);
  assert.notEqual(again.id, ann.id);
});

test('deleteMember: an admin key deletes a member of its site', async () => {
  const ann = await signedIn();
  const admin = adminClient();

  assert.deepEqual(await admin.members.deleteMember(ann.id), {});
  await refused(admin.members.getMember(ann.id), 404, 'member_id_not_found');
  await refused(ann.client.members.getCurrentMember(), 401, 'unauthenticated');
});
