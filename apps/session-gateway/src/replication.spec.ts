import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { sumMetric } from '@jwt-msa/cluster';
import { getFreePort } from '@jwt-msa/testing';
import { gatewayEnv, startBackends, testGateway, type Backends, type TestGateway } from '../test/session-kit';
import { signCopy, type SessionCopy } from './data-access/replicated-session-store';
import { hashSessionId } from './domain/session';

const SECRET = 'replication-secret-of-the-test-cluster';

let backends: Backends;
let a: TestGateway;
let b: TestGateway;
let bCopies: string;

beforeAll(async () => {
  backends = await startBackends();
  const [portA, portB, deadPeer] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const replica = (own: number, peers: number[]) =>
    testGateway(
      gatewayEnv(backends, {
        SESSION_STORE: 'replicated',
        SESSION_REPLICATION_SECRET: SECRET,
        SESSION_REPLICATION_PORT: String(own),
        SESSION_PEERS: peers.map((port) => `http://127.0.0.1:${port}`).join(','),
      }),
    );
  a = replica(portA, [portB, deadPeer]);
  b = replica(portB, [portA]);
  await Promise.all([a.gateway.replication!.listen(), b.gateway.replication!.listen()]);
  bCopies = `http://127.0.0.1:${portB}/session-copies`;
});

afterAll(async () => {
  await Promise.all([a.gateway.replication!.stop(), b.gateway.replication!.stop(), backends.close()]);
});

const orders = (gw: TestGateway, sid: string) => request(gw.app).get('/api/orders').set('Cookie', `sid=${sid}`);
const copiesSent = async (gw: TestGateway, outcome: string) =>
  sumMetric((await request(gw.gateway.adminApp).get('/metrics')).text, 'session_copies_sent_total', { outcome });

describe('the replicated store (session clustering)', () => {
  it('copies a login to every peer before answering, so another replica knows the session', async () => {
    const [okBefore, failedBefore] = [await copiesSent(a, 'ok'), await copiesSent(a, 'failed')];
    const { sid } = await a.login();
    const res = await orders(b, sid).expect(200);
    expect(res.body.userId).toBe('id-alice');
    // One copy per peer and write: B took it, the dead peer missed it (and the login still worked).
    expect([(await copiesSent(a, 'ok')) - okBefore, (await copiesSent(a, 'failed')) - failedBefore]).toEqual([1, 1]);
  });

  it('copies a logout too: the session is gone everywhere', async () => {
    const { sid } = await a.login();
    await orders(b, sid).expect(200);
    await request(b.app).post('/session/logout').set('Cookie', `sid=${sid}`).expect(204);
    await orders(a, sid).expect(401);
    await orders(b, sid).expect(401);
  });
});

describe('a forged copy (it would be an identity injection) is refused', () => {
  const chosenSid = randomBytes(32).toString('base64url');
  const copyFor = (sentAt = Date.now()): string =>
    JSON.stringify({
      op: 'save',
      sentAt,
      session: {
        idHash: hashSessionId(chosenSid),
        user: { sub: 'id-root', username: 'root', roles: ['user', 'admin'] },
        createdAt: Date.now(),
        lastSeenAt: Date.now(),
      },
    } satisfies SessionCopy);
  const send = (body: string, signature?: string) => {
    const call = request(bCopies).post('').set('Content-Type', 'application/json');
    return (signature === undefined ? call : call.set('x-session-copy-signature', signature)).send(body);
  };

  it.each([
    ['without a signature', () => send(copyFor())],
    ['signed with another secret', () => send(copyFor(), signCopy(copyFor(), 'a-guess-at-the-secret-of-this-cluster'))],
    ['with a signature of another copy', () => send(copyFor(), signCopy(JSON.stringify({ op: 'x' }), SECRET))],
    [
      'replayed long after it was sent',
      () => send(copyFor(Date.now() - 60_000), signCopy(copyFor(Date.now() - 60_000), SECRET)),
    ],
  ])('%s: 401, and the chosen id logs nobody in', async (_name, attempt) => {
    const res = await attempt();
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('copy_refused');
    await orders(b, chosenSid).expect(401);
  });

  it('is not accepted on the public port at all', async () => {
    const body = copyFor();
    await request(b.app)
      .post('/session-copies')
      .set('Content-Type', 'application/json')
      .set('x-session-copy-signature', signCopy(body, SECRET))
      .send(body)
      .expect(404);
    await orders(b, chosenSid).expect(401);
  });

  it('while a copy signed with the secret is taken (what the refusals above guard)', async () => {
    const body = copyFor();
    await send(body, signCopy(body, SECRET)).expect(204);
    expect((await orders(b, chosenSid).expect(200)).body.userId).toBe('id-root');
  });
});
