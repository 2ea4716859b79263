import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { authService } from './app';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection('auth-service', 'auth-service', ownSettings(authService.schema));
  });
});
