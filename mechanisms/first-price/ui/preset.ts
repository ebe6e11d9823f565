import { sealedBidPreset } from '../../sealed-bid/ui/preset.ts';

export default sealedBidPreset('First-price sealed-bid auction', 2, 'equilibrium');
