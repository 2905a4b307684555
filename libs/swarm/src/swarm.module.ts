import { Global, Module } from '@nestjs/common';
import { SwarmConfigurableModule } from './swarm.options';

@Global()
@Module({ providers: [], exports: [] })
export class SwarmModule extends SwarmConfigurableModule {}
