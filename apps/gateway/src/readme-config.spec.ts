import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { gatewayConfigSchema } from './config';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection('gateway', 'gateway', ownSettings(gatewayConfigSchema));
  });
});
