import { parseDemoArgs, UsageError } from './args';

describe('demo arguments', () => {
  it('runs its own cluster by default and targets a running one with --base-url', () => {
    expect(parseDemoArgs([])).toEqual({ calls: 20, compareCalls: 1000, dataDir: '.data' });
    expect(parseDemoArgs(['--base-url', 'http://localhost:8080/', '--calls=5'])).toEqual({
      baseUrl: 'http://localhost:8080',
      dataDir: '.data',
      calls: 5,
      compareCalls: 1000,
    });
    expect(parseDemoArgs(['--compare-calls', '100', '--json', 'out.json'])).toMatchObject({
      compareCalls: 100,
      json: 'out.json',
    });
    expect(parseDemoArgs(['--base-url', 'http://gw:8080', '--admin-url', 'http://gw:9464/'])).toMatchObject({
      adminUrl: 'http://gw:9464',
    });
    expect(parseDemoArgs(['--json', 'figures.json'])).toMatchObject({ json: 'figures.json' });
  });

  it.each([
    [['--calls', '0']],
    [['--calls', 'x']],
    [['--compare-calls', '5']],
    [['--base-url']],
    [['--nope']],
    [['--help']],
    [['--json']],
  ])('rejects %j', (argv) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
  });
});
