import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * scrypt (memory-hard) with a random 16-byte salt per password. The stored form records its own
 * parameters, `scrypt$<log2N>$<r>$<p>$<salt>$<hash>`, so the cost can be raised later.
 */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;

  constructor(private readonly log2Cost: number) {
    // Verified against for unknown usernames, so they take as long as wrong passwords.
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, this.options(this.log2Cost, BLOCK_SIZE, PARALLELISM));
    return ['scrypt', this.log2Cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join(
      '$',
    );
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, log2N, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await scryptAsync(
      password,
      Buffer.from(salt, 'base64'),
      this.options(Number(log2N), Number(r), Number(p)),
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Spends the same time as a real verification, for a user that does not exist. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(password, await this.dummyHash);
    return false;
  }

  private options(log2N: number, r: number, p: number): ScryptOptions {
    const N = 2 ** log2N;
    return { N, r, p, maxmem: 256 * N * r };
  }
}
