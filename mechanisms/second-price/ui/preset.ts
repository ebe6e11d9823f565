import { sealedBidPreset } from '../../sealed-bid/ui/preset.ts';

export default sealedBidPreset('Second-price sealed-bid auction', 3, 'truthful');
