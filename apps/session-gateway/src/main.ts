import { startService } from '@jwt-msa/service-defaults';
import { sessionGatewayService } from './app';

startService(sessionGatewayService);
