#!/usr/bin/env node
import { main } from '../server/cli.ts';

await main(process.argv);
