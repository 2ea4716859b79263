import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { consoleConfigSchema } from './config';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection('console', 'console', ownSettings(consoleConfigSchema));
  });
});
