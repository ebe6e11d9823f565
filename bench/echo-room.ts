/**
 * The baseline of `npm run bench:live`: a bare Colyseus room with a one-field schema
 * and an `act` request handler that bumps a counter and returns it. No validation,
 * no engine, no ledger, no views: what Colyseus itself costs for the same traffic.
 * The field is called `stateId` so that the load clients read both rooms alike.
 */
import { Room } from '@colyseus/core';
import { schema, t } from '@colyseus/schema';

export const EchoState = schema({ stateId: t.number().default(0) }, 'EchoState');
export type EchoStateT = InstanceType<typeof EchoState>;

export class EchoRoom extends Room<{ state: EchoStateT }> {
  override state = new EchoState();
  override autoDispose = false;
  override maxClients = 1000;
  override patchRate: number | null = 50;

  override onCreate(): void {
    this.onMessage('act', () => {
      this.state.stateId++;
      return { ok: true, stateId: this.state.stateId };
    });
  }
}
