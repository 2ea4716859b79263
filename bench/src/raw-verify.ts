import { createSign, createVerify, generateKeyPairSync, verify } from 'node:crypto';

export interface RawVerifyFigures {
  /** Microseconds of one RS256 signature check: `crypto.verify` with a KeyObject, 2048-bit key. */
  usPerVerify: number;
  verifications: number;
}

/**
 * The cost of RSA itself, in this process, on a quiet machine (after the load): the floor a full
 * token verification cannot go below, so "verification adds at most 2x this" is a fair target.
 */
export function measureRawVerify(seconds = 1): RawVerifyFigures {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
  const signature = createSign('RSA-SHA256').update(data).sign(privateKey);
  if (!createVerify('RSA-SHA256').update(data).verify(publicKey, signature))
    throw new Error('raw-verify: bad signature');
  for (let i = 0; i < 200; i += 1) verify('RSA-SHA256', data, publicKey, signature); // warm
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const started = process.hrtime.bigint();
  let verifications = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i += 1) verify('RSA-SHA256', data, publicKey, signature);
    verifications += 100;
  }
  const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
  return { usPerVerify: elapsedUs / verifications, verifications };
}
