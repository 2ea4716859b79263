import { startService } from '@jwt-msa/service-defaults';
import { gatewayService } from './app';

startService(gatewayService);
