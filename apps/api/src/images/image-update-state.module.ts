import { Module } from '@nestjs/common';
import { ImageUpdateState } from './image-update-state';

/** The image-update state alone: imported by the services, stacks and images modules without a cycle between them. */
@Module({ providers: [ImageUpdateState], exports: [ImageUpdateState] })
export class ImageUpdateStateModule {}
