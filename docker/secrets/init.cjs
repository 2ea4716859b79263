// The compose stack's `secrets` service: a one-shot that runs before everything else, as root in
// the auth-service image (node built-ins only), on every `docker compose up`.
//
//   1. for each secret of docker/secrets/secrets.list: the one you brought in secrets/<file> if
//      there (it wins, also over one generated earlier), else the one kept from an earlier start,
//      else a new one; kept in the volume's private store (.store, root only);
//   2. a copy in /run/secrets/<reader>/ for each service that reads it: that folder belongs to the
//      service's own uid (0500), each file is 0400, so no service reads another's secrets;
//   3. a generated admin password is printed once, here; read it again with
//        docker compose exec auth cat /run/secrets/auth/admin-password
//
// `show-admin-password` as the command prints the stored admin password and does nothing else
// (docker compose run --rm secrets show-admin-password). Nothing secret is in the repository or in
// an image: secrets live in the `secrets` volume only (and in secrets/ if you brought them).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const LIST = process.env.SECRETS_LIST || '/project/docker/secrets/secrets.list';
const BROUGHT = process.env.SECRETS_BROUGHT || '/project/secrets';
const VOLUME = process.env.SECRETS_VOLUME || '/run/secrets';
const STORE = path.join(VOLUME, '.store');
const ADMIN_PASSWORD = 'admin-password';
const SHOW_AGAIN = 'docker compose exec auth cat /run/secrets/auth/admin-password';

const say = (line) => process.stdout.write(`secrets: ${line}\n`);
const fail = (line) => {
  process.stderr.write(`secrets: ${line}\n`);
  process.exit(1);
};

const MAKERS = {
  password: () => crypto.randomBytes(24).toString('hex'),
  token: () => crypto.randomBytes(32).toString('base64url'),
  'rsa-key': () =>
    crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey,
};

/** A brought secret, checked and normalized: one-line kinds lose trailing newlines. */
function checkBrought(secret, content) {
  if (secret.kind === 'rsa-key') {
    try {
      const key = crypto.createPrivateKey(content);
      if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key`);
    } catch (error) {
      fail(`${BROUGHT}/${secret.file} is not an RSA private key in PEM (${error.message})`);
    }
    return content;
  }
  const value = content.replace(/[\r\n]+$/, '');
  if (value === '' || /[\r\n]/.test(value)) fail(`${BROUGHT}/${secret.file} must hold one non-empty line`);
  return value;
}

function parseList(text) {
  const readers = new Map();
  const secrets = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [type, ...fields] = line.split(/\s+/);
    const where = `${LIST}:${index + 1}`;
    if (type === 'reader' && fields.length === 2 && /^\d+$/.test(fields[1])) readers.set(fields[0], Number(fields[1]));
    else if (type === 'secret' && fields.length >= 3 && MAKERS[fields[1]] && /^[a-z0-9][a-z0-9.-]*$/.test(fields[0]))
      secrets.push({ file: fields[0], kind: fields[1], readers: fields.slice(2) });
    else
      fail(
        `${where}: expected "reader <service> <uid>" or "secret <file> <${Object.keys(MAKERS).join('|')}> <reader>..."`,
      );
  });
  for (const secret of secrets)
    for (const reader of secret.readers)
      if (!readers.has(reader))
        fail(`${LIST}: secret ${secret.file} names reader ${reader}, which has no "reader" line`);
  return { readers, secrets };
}

function readIfThere(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Written beside, then renamed: a reader never sees half a file. */
function writeFile(file, content, uid, mode) {
  const temporary = `${file}.tmp`;
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, content, { mode });
  fs.chownSync(temporary, uid, uid);
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}

function init() {
  const { readers, secrets } = parseList(fs.readFileSync(LIST, 'utf8'));
  fs.mkdirSync(STORE, { recursive: true, mode: 0o700 });
  fs.chmodSync(STORE, 0o700);
  let announce;
  for (const secret of secrets) {
    const stored = path.join(STORE, secret.file);
    const kept = readIfThere(stored);
    const broughtRaw = readIfThere(path.join(BROUGHT, secret.file));
    if (broughtRaw !== undefined && broughtRaw.trim() !== '') {
      const brought = checkBrought(secret, broughtRaw);
      if (brought !== kept) {
        writeFile(stored, brought, 0, 0o400);
        say(`${secret.file}: ${kept === undefined ? 'taken' : 'replaced by the one'} from secrets/${secret.file}`);
      } else say(`${secret.file}: the one from secrets/${secret.file}`);
    } else if (kept !== undefined) {
      say(`${secret.file}: kept from an earlier start`);
    } else {
      const made = MAKERS[secret.kind]();
      writeFile(stored, made, 0, 0o400);
      say(`${secret.file}: generated (${secret.kind})`);
      if (secret.file === ADMIN_PASSWORD) announce = made;
    }
  }
  for (const [reader, uid] of readers) {
    const folder = path.join(VOLUME, reader);
    fs.mkdirSync(folder, { recursive: true });
    const wanted = new Set();
    for (const secret of secrets.filter((s) => s.readers.includes(reader))) {
      writeFile(path.join(folder, secret.file), fs.readFileSync(path.join(STORE, secret.file)), uid, 0o400);
      wanted.add(secret.file);
    }
    for (const file of fs.readdirSync(folder))
      if (!wanted.has(file)) fs.rmSync(path.join(folder, file), { force: true });
    fs.chownSync(folder, uid, uid);
    fs.chmodSync(folder, 0o500);
  }
  say(
    `ready: ${secrets.length} secrets for ${[...readers.keys()].join(', ')} (each in /run/secrets/<service>/, mode 0400)`,
  );
  if (announce !== undefined) {
    say('----------------------------------------------------------------------------');
    say(`admin user "${process.env.ADMIN_USERNAME || 'admin'}", generated password: ${announce}`);
    say(`shown this once; read it again with: ${SHOW_AGAIN}`);
    say('----------------------------------------------------------------------------');
  }
}

function showAdminPassword() {
  const password = readIfThere(path.join(STORE, ADMIN_PASSWORD));
  if (password === undefined) fail('no admin password yet: start the stack once (docker compose up)');
  process.stdout.write(`${password}\n`);
}

const command = process.argv[2] ?? 'init';
if (command === 'init') init();
else if (command === 'show-admin-password') showAdminPassword();
else fail(`unknown command "${command}" (init | show-admin-password)`);
