import { parseDemoArgs, UsageError } from './args';

describe('demo arguments', () => {
  it('runs its own cluster by default and targets a running one with --base-url', () => {
    expect(parseDemoArgs([])).toEqual({ calls: 20 });
    expect(parseDemoArgs(['--base-url', 'http://localhost:8080/', '--calls=5'])).toEqual({
      baseUrl: 'http://localhost:8080',
      adminUrl: 'http://localhost:9464',
      calls: 5,
    });
  });

  it.each([[['--calls', '0']], [['--calls', 'x']], [['--base-url']], [['--nope']]])('rejects %j', (argv) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
  });
});
