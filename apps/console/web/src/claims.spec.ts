import { classifyClaim, IANA_JWT_CLAIMS, IS_ADMIN_CLAIM } from './claims';

describe('classifyClaim', () => {
  it.each([
    ['iss', '4.1.1'],
    ['sub', '4.1.2'],
    ['aud', '4.1.3'],
    ['exp', '4.1.4'],
    ['nbf', '4.1.5'],
    ['iat', '4.1.6'],
    ['jti', '4.1.7'],
  ])('%s is registered by RFC 7519 §%s', (name, section) => {
    expect(classifyClaim(name)).toMatchObject({
      kind: 'registered',
      source: `RFC 7519 §${section}`,
      link: `https://www.rfc-editor.org/rfc/rfc7519#section-${section}`,
    });
  });

  it.each(['sid', 'scope', 'client_id', 'auth_time', 'nonce', 'azp', 'cnf', 'email', 'groups'])(
    '%s is registered in the IANA JSON Web Token Claims registry',
    (name) => {
      const info = classifyClaim(name);
      expect(info.kind).toBe('registered');
      expect(info.source).toMatch(/^IANA JSON Web Token Claims registry/);
      expect(info.link).toBe(IANA_JWT_CLAIMS);
    },
  );

  it('classifies collision-resistant names as public', () => {
    expect(classifyClaim(IS_ADMIN_CLAIM)).toMatchObject({
      kind: 'public',
      source: 'RFC 7519 §4.2',
      meaning: expect.stringMatching(/admin/),
    });
    expect(classifyClaim('urn:example:claim').kind).toBe('public');
    expect(classifyClaim('3f2504e0-4f89-41d3-9a0c-0305e82c3301').kind).toBe('public');
  });

  it("classifies this system's own claims and everything else as private", () => {
    expect(classifyClaim('username')).toMatchObject({ kind: 'private', source: 'RFC 7519 §4.3' });
    expect(classifyClaim('roles')).toMatchObject({ kind: 'private', meaning: expect.stringMatching(/X-User-Roles/) });
    expect(classifyClaim('favourite_colour').kind).toBe('private');
    expect(classifyClaim('toString').kind).toBe('private'); // no prototype lookups
    expect(classifyClaim('__proto__').kind).toBe('private');
  });
});
