import { textToBase64Url } from './base64url';
import { decodeToken, encodeToken, parsePayloadJson } from './jwt';

const part = (value: unknown) => textToBase64Url(JSON.stringify(value));
const header = { alg: 'RS256', typ: 'at+jwt', kid: 'k1' };
const payload = { sub: 'u1', roles: ['user'], exp: 2_000_000_000 };

describe('decodeToken', () => {
  it('splits and decodes header, payload and signature', () => {
    const token = `${part(header)}.${part(payload)}.AQID`;
    const result = decodeToken(token);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.token.header).toEqual(header);
    expect(result.token.payload).toEqual(payload);
    expect(Array.from(result.token.signature)).toEqual([1, 2, 3]);
    expect(result.token.parts).toEqual({ header: part(header), payload: part(payload), signature: 'AQID' });
  });

  it('accepts an empty signature (alg none) and surrounding whitespace', () => {
    const result = decodeToken(`  ${part({ alg: 'none' })}.${part(payload)}.\n`);
    expect(result.ok && result.token.signature.length).toBe(0);
  });

  it.each([
    ['', /empty/],
    ['abc', /three parts.*has 1/],
    ['a.b', /three parts.*has 2/],
    ['a.b.c.d', /three parts.*has 4/],
    ['a.b.c.d.e', /encrypted/],
    [`.${part(payload)}.sig`, /header is empty/],
    [`${part(header)}..sig`, /payload is empty/],
    [`e+J.${part(payload)}.sig`, /header contains characters outside/],
    [`${textToBase64Url('not json')}.${part(payload)}.sig`, /header is not JSON/],
    [`${part(header)}.${part([1, 2])}.sig`, /payload is not a JSON object/],
    [`${part(header)}.${part('text')}.sig`, /payload is not a JSON object/],
    [`${part(header)}.${textToBase64Url('null')}.sig`, /payload is not a JSON object/],
    [`${part(header)}.${part(payload)}.si+g`, /signature contains characters outside/],
    [`${part(header)}.${part(payload)}.abcde`, /signature has an impossible length/],
  ])('refuses %j with a readable error', (token, message) => {
    const result = decodeToken(token);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('encodeToken and parsePayloadJson', () => {
  it('re-encodes a changed payload with the original signature', () => {
    const token = encodeToken(header, { ...payload, roles: ['user', 'admin'] }, 'SIG');
    const result = decodeToken(token);
    expect(result.ok && result.token.payload['roles']).toEqual(['user', 'admin']);
    expect(token.endsWith('.SIG')).toBe(true);
  });

  it('says what is wrong with a typed payload', () => {
    expect(parsePayloadJson('{"a":1}')).toEqual({ ok: true, payload: { a: 1 } });
    expect(parsePayloadJson('{"a":')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(parsePayloadJson('[1]')).toMatchObject({ ok: false, error: expect.stringMatching(/object/) });
  });
});
