import { bytesToBase64Url, textToBase64Url } from './base64url';
import { modulusBits, verifySignature, type Jwk, type Jwks } from './verify';

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const subtle = globalThis.crypto.subtle;
const part = (value: unknown) => textToBase64Url(JSON.stringify(value));

let privateKey: CryptoKey;
let jwks: Jwks;
const KID = 'test-key-1';
const now = Math.floor(Date.now() / 1000);
const payload = {
  iss: 'http://localhost:8080',
  sub: 'u1',
  aud: 'jwt-msa-api',
  exp: now + 900,
  iat: now,
  roles: ['user'],
};

async function sign(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key = privateKey,
): Promise<string> {
  const input = `${part(header)}.${part(claims)}`;
  const signature = new Uint8Array(await subtle.sign(RS256, key, new TextEncoder().encode(input)));
  return `${input}.${bytesToBase64Url(signature)}`;
}

beforeAll(async () => {
  const pair = await subtle.generateKey(
    { ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  privateKey = pair.privateKey;
  const jwk = (await subtle.exportKey('jwk', pair.publicKey)) as Jwk;
  jwks = {
    keys: [
      { kty: 'RSA', kid: 'another-key', n: jwk.n, e: jwk.e },
      { kty: 'RSA', kid: KID, use: 'sig', alg: 'RS256', n: jwk.n, e: jwk.e },
    ],
  };
});

describe('verifySignature (WebCrypto, RSASSA-PKCS1-v1_5 / SHA-256)', () => {
  const header = { alg: 'RS256', typ: 'at+jwt', kid: KID };

  it('accepts a genuine RS256 token and names the key it matched', async () => {
    const result = await verifySignature(await sign(header, payload), jwks);
    expect(result).toMatchObject({
      valid: true,
      summary: 'Signature valid',
      kid: KID,
      key: { kid: KID, modulusBits: 2048 },
      warnings: [],
    });
  });

  it('refuses a changed payload carrying the original signature', async () => {
    const token = await sign(header, payload);
    const [h, , s] = token.split('.');
    const forged = `${h}.${part({ ...payload, roles: ['user', 'admin'] })}.${s}`;
    const result = await verifySignature(forged, jwks);
    expect(result.valid).toBe(false);
    expect(result.summary).toMatch(/Signature invalid/);
    expect(result.key?.modulusBits).toBe(2048);
  });

  it('refuses a token signed by a key that is not in the JWKS', async () => {
    const other = await subtle.generateKey(
      { ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    );
    const result = await verifySignature(await sign(header, payload, other.privateKey), jwks);
    expect(result.valid).toBe(false);
  });

  it('says so when the kid is unknown or missing', async () => {
    expect((await verifySignature(await sign({ ...header, kid: 'nope' }, payload), jwks)).summary).toMatch(
      /No key with kid "nope"/,
    );
    expect((await verifySignature(await sign({ alg: 'RS256', typ: 'at+jwt' }, payload), jwks)).summary).toMatch(
      /no kid/,
    );
  });

  it('warns about alg none and does not verify it', async () => {
    const token = `${part({ alg: 'none', typ: 'at+jwt', kid: KID })}.${part(payload)}.`;
    const result = await verifySignature(token, jwks);
    expect(result.valid).toBe(false);
    expect(result.summary).toMatch(/alg: none/);
    expect(result.warnings.join(' ')).toMatch(/unsigned/);
  });

  it('refuses other algorithms without checking (HS256 key confusion)', async () => {
    const result = await verifySignature(`${part({ alg: 'HS256', kid: KID })}.${part(payload)}.AAAA`, jwks);
    expect(result).toMatchObject({ valid: false, summary: expect.stringMatching(/not RS256/) });
  });

  it('warns when typ says it is not an access token', async () => {
    const result = await verifySignature(await sign({ alg: 'RS256', typ: 'JWT', kid: KID }, payload), jwks);
    expect(result.valid).toBe(true);
    expect(result.warnings.join(' ')).toMatch(/not "at\+jwt"/);
  });

  it('warns about an expired token even when its signature holds', async () => {
    const result = await verifySignature(await sign(header, { ...payload, exp: now - 10 }), jwks);
    expect(result.valid).toBe(true);
    expect(result.warnings.join(' ')).toMatch(/expired/);
  });

  it('ignores key URLs in the header and uses the JWKS it was given', async () => {
    const token = await sign(
      { ...header, jku: 'https://attacker.example/jwks.json', x5u: 'https://attacker.example/cert' },
      payload,
    );
    const result = await verifySignature(token, jwks);
    expect(result.valid).toBe(true); // checked with the system's key; nothing was fetched (this function cannot fetch)
    expect(result.warnings.filter((w) => /ignored/.test(w))).toHaveLength(2);
  });

  it('reports a malformed token and a missing WebCrypto plainly', async () => {
    expect((await verifySignature('not-a-token', jwks)).summary).toMatch(/Cannot check/);
    const result = await verifySignature(await sign(header, payload), jwks, null);
    expect(result).toMatchObject({ valid: false, summary: expect.stringMatching(/WebCrypto/) });
  });
});

describe('modulusBits', () => {
  it('counts the bits of the big-endian modulus, ignoring leading zero bytes', () => {
    expect(modulusBits(bytesToBase64Url(new Uint8Array([0x00, 0x80, 0x00])))).toBe(16);
    expect(modulusBits(bytesToBase64Url(new Uint8Array([0x01, 0xff])))).toBe(9);
    expect(modulusBits(bytesToBase64Url(new Uint8Array(256).fill(0xff)))).toBe(2048);
  });
});
