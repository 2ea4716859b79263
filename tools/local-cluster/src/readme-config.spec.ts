import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { launcherConfigSchema } from './config';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection('launcher', '`npm start` (the local launcher)', ownSettings(launcherConfigSchema));
  });
});
