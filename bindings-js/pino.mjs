import m from './pino.cjs';

export const { tamisPino } = m;
export default m;
