import m from './otel.cjs';

export const { MaskingSpanProcessor, maskSpan, maskAttributes, langfuseMask } = m;
export default m;
