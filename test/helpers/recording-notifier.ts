import type { SnsMessage } from '../../functions/core/findings/sns-message.js';
import type { Notifier, PublishResult } from '../../functions/notifier/sns-notifier.js';

/** Records every message; `failNext(n)` makes the next n messages fail, as a throttled or failing topic would. */
class RecordingNotifier implements Notifier {
  readonly messages: SnsMessage[] = [];
  private failures = 0;

  failNext(count: number): void {
    this.failures = count;
  }

  async publish(messages: readonly SnsMessage[]): Promise<PublishResult[]> {
    return messages.map((message) => {
      if (this.failures > 0) {
        this.failures -= 1;
        return { ok: false, error: 'ThrottlingException: Rate exceeded' };
      }
      this.messages.push(message);
      return { ok: true, messageId: `msg-${this.messages.length}` };
    });
  }
}

export { RecordingNotifier };
