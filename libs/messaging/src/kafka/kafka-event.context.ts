import { BaseRpcContext } from '@nestjs/microservices';

export interface KafkaDelivery {
  /** The event type, i.e. the topic without any deployment prefix. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  attempt: number;
}

/** What an `@EventPattern` handler can learn about the delivery it is handling (`@Ctx()`). */
export class KafkaEventContext extends BaseRpcContext<[KafkaDelivery]> {
  get delivery(): KafkaDelivery {
    return this.getArgs()[0];
  }
}
