import { startService } from '@jwt-msa/service-defaults';
import { ordersService } from './app';

startService(ordersService);
