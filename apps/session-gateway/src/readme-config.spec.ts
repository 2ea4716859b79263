import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { sessionGatewayConfigSchema } from './config';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection(
      'session-gateway',
      'session-gateway (the counter-example)',
      ownSettings(sessionGatewayConfigSchema),
    );
  });
});
