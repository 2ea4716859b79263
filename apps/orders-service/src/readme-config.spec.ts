import { expectReadmeConfigSection, ownSettings } from '@jwt-msa/testing';
import { ordersService } from './app';

describe('README configuration table', () => {
  it('documents exactly the settings of this app that no shared section covers', () => {
    expectReadmeConfigSection('orders-service', 'orders-service', ownSettings(ordersService.schema));
  });
});
