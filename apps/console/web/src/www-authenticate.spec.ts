import { explainChallenge, parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it("parses the gateway's RFC 6750 challenge", () => {
    expect(
      parseWwwAuthenticate('Bearer realm="jwt-msa", error="invalid_token", error_description="The token has expired"'),
    ).toEqual([
      {
        scheme: 'Bearer',
        params: { realm: 'jwt-msa', error: 'invalid_token', error_description: 'The token has expired' },
      },
    ]);
  });

  it('handles a bare challenge, token values, escapes, commas inside quotes and odd spacing', () => {
    expect(parseWwwAuthenticate('Bearer realm="jwt-msa"')).toEqual([
      { scheme: 'Bearer', params: { realm: 'jwt-msa' } },
    ]);
    expect(parseWwwAuthenticate('Bearer')).toEqual([{ scheme: 'Bearer', params: {} }]);
    expect(parseWwwAuthenticate('Bearer  error = invalid_token ,ERROR_DESCRIPTION="a, \\"quoted\\" b"')).toEqual([
      { scheme: 'Bearer', params: { error: 'invalid_token', error_description: 'a, "quoted" b' } },
    ]);
  });

  it('splits several challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="b", error="invalid_token"')).toEqual([
      { scheme: 'Basic', params: { realm: 'a' } },
      { scheme: 'Bearer', params: { realm: 'b', error: 'invalid_token' } },
    ]);
  });

  it('never throws on garbage', () => {
    for (const value of ['', '"', '=', 'Bearer ="x"', 'Bearer realm="unterminated', ',,,', null, undefined])
      expect(() => parseWwwAuthenticate(value)).not.toThrow();
  });
});

describe('explainChallenge', () => {
  it('says why, in plain words', () => {
    expect(
      explainChallenge('Bearer realm="jwt-msa", error="invalid_token", error_description="The token has expired"'),
    ).toBe('The token was refused: The token has expired. Its exp is in the past: refresh to get a new one.');
    expect(
      explainChallenge(
        'Bearer realm="jwt-msa", error="invalid_token", error_description="The token signature is invalid"',
      ),
    ).toMatch(/changed after signing/);
    expect(
      explainChallenge(
        'Bearer realm="jwt-msa", error="invalid_token", error_description="The token is not a compact JWS"',
      ),
    ).toMatch(/empty third part/);
    expect(
      explainChallenge('Bearer realm="jwt-msa", error="invalid_token", error_description="The token has been revoked"'),
    ).toMatch(/^The token was refused: The token has been revoked\. A logout, logout-all, refresh-token reuse/);
    expect(explainChallenge('Bearer realm="jwt-msa"')).toMatch(/No token was sent/);
    expect(explainChallenge('Basic realm="x"')).toBe('Refused (Basic realm="x")');
    expect(explainChallenge(null)).toBe('Refused without an explanation');
  });
});
