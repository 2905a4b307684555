import { Module } from '@nestjs/common';
import { ImageUpdateStateModule } from '../images/image-update-state.module';
import { StacksController } from './stacks.controller';
import { StacksService } from './stacks.service';

/** Compose stacks: the catalog's StackStore and loadStack glued to the swarm's SwarmStacks (the libraries never import each other). */
@Module({
  imports: [ImageUpdateStateModule],
  controllers: [StacksController],
  providers: [StacksService],
  exports: [StacksService],
})
export class StacksModule {}
