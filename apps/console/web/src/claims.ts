/**
 * Claim names in three kinds (RFC 7519 §4): registered (RFC 7519 §4.1 itself, or the IANA "JSON Web
 * Token Claims" registry), public (collision-resistant names, §4.2) and private (§4.3: agreed between
 * this issuer and its consumers only).
 */
export type ClaimKind = 'registered' | 'public' | 'private';

export interface ClaimInfo {
  name: string;
  kind: ClaimKind;
  /** Where the name is defined, e.g. "RFC 7519 §4.1.4" or "IANA JSON Web Token Claims registry". */
  source: string;
  meaning: string;
  link: string;
}

const RFC7519 = 'https://www.rfc-editor.org/rfc/rfc7519';
export const IANA_JWT_CLAIMS = 'https://www.iana.org/assignments/jwt/jwt.xhtml#claims';
export const IS_ADMIN_CLAIM = 'https://jwt-msa.example.com/jwt_claims/is_admin';

const RFC7519_CLAIMS: Record<string, [section: string, meaning: string]> = {
  iss: ['4.1.1', 'Issuer: who created and signed the token.'],
  sub: ['4.1.2', 'Subject: whom the token is about (here the user id).'],
  aud: ['4.1.3', 'Audience: who the token is meant for; others must refuse it.'],
  exp: ['4.1.4', 'Expiration time: the token must be refused from this instant on.'],
  nbf: ['4.1.5', 'Not before: the token must be refused before this instant.'],
  iat: ['4.1.6', 'Issued at: when the token was created.'],
  jti: ['4.1.7', 'JWT ID: a unique id for this token (lets a verifier detect replays).'],
};

/** Other names in the IANA registry (not RFC 7519 itself), with the document that registered them. */
const IANA_CLAIMS: Record<string, [reference: string, meaning: string]> = {
  sid: ['OpenID Connect Front-Channel Logout §3', 'Session id at the issuer.'],
  scope: ['RFC 8693 §4.2', 'Scopes (permissions) granted, space-separated.'],
  client_id: ['RFC 8693 §4.3', 'The OAuth client the token was issued to.'],
  auth_time: ['OpenID Connect Core §2', 'When the user actually authenticated.'],
  nonce: ['OpenID Connect Core §2', 'Value tying a token to the client request that asked for it.'],
  azp: ['OpenID Connect Core §2', 'Authorized party: the client the token was issued to.'],
  acr: ['OpenID Connect Core §2', 'Authentication context class reference.'],
  amr: ['OpenID Connect Core §2', 'Authentication methods used (password, otp, ...).'],
  at_hash: ['OpenID Connect Core §3.1.3.6', 'Hash of the access token issued alongside an ID token.'],
  c_hash: ['OpenID Connect Core §3.3.2.11', 'Hash of the authorization code.'],
  act: ['RFC 8693 §4.1', 'Actor: who acts on behalf of the subject (delegation).'],
  may_act: ['RFC 8693 §4.4', 'Who may act on behalf of the subject.'],
  cnf: ['RFC 7800 §3.1', 'Confirmation: the key the holder must prove possession of.'],
  events: ['RFC 8417 §2.2', 'Security events (Security Event Tokens).'],
  toe: ['RFC 8417 §2.2', 'Time of the security event.'],
  txn: ['RFC 8417 §2.2', 'Transaction identifier.'],
  name: ['OpenID Connect Core §5.1', 'Full name of the user.'],
  given_name: ['OpenID Connect Core §5.1', 'Given (first) name.'],
  family_name: ['OpenID Connect Core §5.1', 'Family (last) name.'],
  middle_name: ['OpenID Connect Core §5.1', 'Middle name.'],
  nickname: ['OpenID Connect Core §5.1', 'Casual name.'],
  preferred_username: ['OpenID Connect Core §5.1', 'The name the user prefers to be called by.'],
  profile: ['OpenID Connect Core §5.1', 'URL of the profile page.'],
  picture: ['OpenID Connect Core §5.1', 'URL of a profile picture.'],
  website: ['OpenID Connect Core §5.1', 'URL of a web page.'],
  email: ['OpenID Connect Core §5.1', 'Preferred e-mail address.'],
  email_verified: ['OpenID Connect Core §5.1', 'Whether the e-mail address was verified.'],
  gender: ['OpenID Connect Core §5.1', 'Gender.'],
  birthdate: ['OpenID Connect Core §5.1', 'Birthday.'],
  zoneinfo: ['OpenID Connect Core §5.1', 'Time zone.'],
  locale: ['OpenID Connect Core §5.1', 'Locale.'],
  phone_number: ['OpenID Connect Core §5.1', 'Preferred telephone number.'],
  phone_number_verified: ['OpenID Connect Core §5.1', 'Whether the phone number was verified.'],
  address: ['OpenID Connect Core §5.1', 'Postal address.'],
  updated_at: ['OpenID Connect Core §5.1', 'When the user information was last updated.'],
  groups: ['RFC 9068 §2.2.3.1', 'Groups the subject belongs to (SCIM, RFC 7643).'],
  entitlements: ['RFC 9068 §2.2.3.1', 'Entitlements of the subject (SCIM, RFC 7643).'],
};

/** Private claims this system defines, with what they mean here. */
const PRIVATE_MEANINGS: Record<string, string> = {
  username: 'The login name. Defined by this system only; the gateway forwards it as X-User-Name.',
  roles:
    "The user's roles, defined by this system; the gateway forwards them as X-User-Roles. " +
    '(The name "roles" is also in the IANA registry, RFC 9068 §2.2.3.1; this system uses it as its own.)',
};

const PUBLIC_MEANINGS: Record<string, string> = {
  [IS_ADMIN_CLAIM]: "This system's admin flag. A URI name, so it cannot collide with anybody else's claim.",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** A collision-resistant name (RFC 7519 §2 "Collision-Resistant Name"): a URI/URN or a UUID. */
export function isCollisionResistantName(name: string): boolean {
  return URI.test(name) || UUID.test(name);
}

export function classifyClaim(name: string): ClaimInfo {
  const rfc = Object.hasOwn(RFC7519_CLAIMS, name) ? RFC7519_CLAIMS[name] : undefined;
  if (rfc)
    return {
      name,
      kind: 'registered',
      source: `RFC 7519 §${rfc[0]}`,
      meaning: rfc[1],
      link: `${RFC7519}#section-${rfc[0]}`,
    };
  // This system defines its private claims itself, even when a name also appears in the registry.
  const own = Object.hasOwn(PRIVATE_MEANINGS, name) ? PRIVATE_MEANINGS[name] : undefined;
  if (own) return { name, kind: 'private', source: 'RFC 7519 §4.3', meaning: own, link: `${RFC7519}#section-4.3` };
  const iana = Object.hasOwn(IANA_CLAIMS, name) ? IANA_CLAIMS[name] : undefined;
  if (iana)
    return {
      name,
      kind: 'registered',
      source: `IANA JSON Web Token Claims registry (${iana[0]})`,
      meaning: iana[1],
      link: IANA_JWT_CLAIMS,
    };
  if (isCollisionResistantName(name))
    return {
      name,
      kind: 'public',
      source: 'RFC 7519 §4.2',
      meaning: PUBLIC_MEANINGS[name] ?? 'A collision-resistant (URI or UUID) name, safe to use across systems.',
      link: `${RFC7519}#section-4.2`,
    };
  return {
    name,
    kind: 'private',
    source: 'RFC 7519 §4.3',
    meaning: 'Agreed between this issuer and its consumers only; another system may use the same name differently.',
    link: `${RFC7519}#section-4.3`,
  };
}

/** Claims that hold NumericDate values (seconds since the epoch). */
export const DATE_CLAIMS: ReadonlySet<string> = new Set(['exp', 'nbf', 'iat', 'auth_time', 'updated_at', 'toe']);
