import { parseArgs, UsageError } from './args';
import { sessionGatewayPortOf } from './config';
import { formatLine } from './console-output';

describe('launcher arguments', () => {
  it('reads --scale in both spellings and accepts service names with -service', () => {
    expect(parseArgs(['--scale', 'orders=3', '--scale=auth=2', '--scale', 'catalog-service=2']).scale).toEqual({
      orders: 3,
      auth: 2,
      catalog: 2,
    });
    expect(parseArgs(['--scale', 'session-gateway=3']).scale).toEqual({ 'session-gateway': 3 });
  });

  it.each([
    [['--scale', 'payments=2'], 'unknown service "payments"'],
    [['--scale', 'orders=0'], 'between 1 and 10'],
    [['--scale', 'orders'], 'expects <service>=<replicas>'],
    [['--scale'], '--scale needs a value'],
    [['--frobnicate'], 'unknown option "--frobnicate"'],
    [['--data-dir'], '--data-dir needs a value'],
    [['orders=3'], 'unexpected argument "orders=3"'],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('reads --data-dir, --verbose and --help', () => {
    expect(parseArgs(['--data-dir', '/tmp/second', '--verbose'])).toEqual({
      scale: {},
      dataDir: '/tmp/second',
      verbose: true,
      help: false,
    });
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['-h']).help).toBe(true);
  });
});

describe('console output', () => {
  const info = JSON.stringify({ level: 30, time: 't', msg: 'listening', url: 'http://127.0.0.1:1' });
  const warn = JSON.stringify({ level: 40, msg: 'upstream error', upstream: 'orders' });

  it('shows warnings and crashes, hides routine lines unless verbose', () => {
    expect(formatLine('gateway-1', info, false)).toBeUndefined();
    expect(formatLine('gateway-1', info, true)).toBe('gateway-1  info  listening {"url":"http://127.0.0.1:1"}');
    expect(formatLine('gateway-1', warn, false)).toBe('gateway-1  warn  upstream error {"upstream":"orders"}');
    expect(formatLine('orders-2', 'TypeError: boom', false)).toBe('orders-2   TypeError: boom');
  });
});

describe('the session gateway port', () => {
  it('is ten above the gateway port unless set, and any free port when the gateway takes any', () => {
    expect(sessionGatewayPortOf({ gatewayPort: 8080, sessionGatewayPort: '' })).toBe(8090);
    expect(sessionGatewayPortOf({ gatewayPort: 9090, sessionGatewayPort: '' })).toBe(9100);
    expect(sessionGatewayPortOf({ gatewayPort: 8080, sessionGatewayPort: '7000' })).toBe(7000);
    expect(sessionGatewayPortOf({ gatewayPort: 0, sessionGatewayPort: '' })).toBe(0);
  });
});
