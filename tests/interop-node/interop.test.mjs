// Checks Cloudsign Auth with openid-client and jose, used as their documentation shows.
// The xunit test NodeInteropTests starts the service on a loopback port and sets:
//   CLOUDSIGN_ISSUER         the issuer URL, such as http://127.0.0.1:5099
//   CLOUDSIGN_CLIENT_ID      the public key id of an API key
//   CLOUDSIGN_CLIENT_SECRET  the key's secret (never printed)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.env.CLOUDSIGN_ISSUER;
const clientId = process.env.CLOUDSIGN_CLIENT_ID;
const clientSecret = process.env.CLOUDSIGN_CLIENT_SECRET;
if (!issuer || !clientId || !clientSecret) {
  throw new Error('set CLOUDSIGN_ISSUER, CLOUDSIGN_CLIENT_ID and CLOUDSIGN_CLIENT_SECRET');
}

const issuerUrl = new URL(issuer);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(issuerUrl.hostname)) {
  throw new Error(`CLOUDSIGN_ISSUER must be a loopback address, because these tests allow plain http: ${issuer}`);
}

// openid-client refuses http issuers; its allowInsecureRequests option is for development, here loopback only.
const insecureLoopback = { execute: [client.allowInsecureRequests] };

async function verifyAccessToken(config, accessToken) {
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  return jwtVerify(accessToken, jwks, {
    issuer,
    audience: 'cloudsign-api',
    typ: 'at+jwt',
    algorithms: ['ES256'],
  });
}

test('discovery, client credentials with client_secret_basic, and remote JWKS verification', async () => {
  const config = await client.discovery(issuerUrl, clientId, undefined, client.ClientSecretBasic(clientSecret), insecureLoopback);
  assert.equal(config.serverMetadata().issuer, issuer);
  assert.deepEqual(config.serverMetadata().grant_types_supported, ['client_credentials', 'refresh_token']);

  const tokens = await client.clientCredentialsGrant(config);
  assert.equal(tokens.token_type, 'bearer');
  assert.equal(tokens.expires_in, 3600);
  assert.equal(tokens.refresh_token, undefined);

  const { payload, protectedHeader } = await verifyAccessToken(config, tokens.access_token);
  assert.equal(protectedHeader.typ, 'at+jwt');
  assert.equal(payload.type, 'access');
  assert.equal(payload.client_id, clientId);
  assert.equal(payload.env, 'production');
});

test('client credentials with client_secret_post', async () => {
  const config = await client.discovery(issuerUrl, clientId, undefined, client.ClientSecretPost(clientSecret), insecureLoopback);

  const tokens = await client.clientCredentialsGrant(config);

  const { payload } = await verifyAccessToken(config, tokens.access_token);
  assert.equal(payload.client_id, clientId);
});

test('a wrong secret is reported as invalid_client', async () => {
  const config = await client.discovery(issuerUrl, clientId, undefined, client.ClientSecretBasic('not-the-secret'), insecureLoopback);

  // A 401 carries WWW-Authenticate: Basic, which openid-client reports as a challenge error with the response.
  const error = await client.clientCredentialsGrant(config).then(
    () => assert.fail('the grant succeeded with a wrong secret'),
    (rejection) => rejection,
  );
  assert.ok(error instanceof client.WWWAuthenticateChallengeError, `unexpected error: ${error}`);
  assert.equal(error.status, 401);
  assert.equal(error.cause[0].scheme, 'basic');
  const body = await error.response.json();
  assert.equal(body.error, 'invalid_client');
});

test('discovery over http without allowInsecureRequests is refused by the client', async () => {
  await assert.rejects(client.discovery(issuerUrl, clientId, undefined, client.ClientSecretBasic(clientSecret)));
});
