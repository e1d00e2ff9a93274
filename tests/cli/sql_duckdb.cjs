// Runs SQL in DuckDB for tests/cli/sql_duckdb.sh, through the @duckdb/node-api
// package (which ships DuckDB's own library):
//
//   node sql_duckdb.cjs PREFIX DB OUT.csv FILE.sql...
//
// PREFIX is the folder npm installed the package into (PREFIX/node_modules).
// Opens (or creates) the database file DB, runs every statement of each FILE
// in order, and writes the rows of the last statement to OUT.csv: a header
// of the column names, NULL as an empty field, a DOUBLE as the shortest text
// that reads back as the same double (JavaScript's String(), so the full
// precision), integers and text as they are. Exit 1 with DuckDB's message
// when a statement fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

function field(v) {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? v.toString() : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

async function main() {
    const [prefix, db, out, ...files] = process.argv.slice(2);
    if (files.length === 0) {
        console.error('usage: node sql_duckdb.cjs PREFIX DB OUT.csv FILE.sql...');
        return 2;
    }
    const req = createRequire(path.join(path.resolve(prefix), 'package.json'));
    const { DuckDBInstance } = req('@duckdb/node-api');
    const instance = await DuckDBInstance.create(db);
    const con = await instance.connect();
    let last = null;
    try {
        for (const file of files) {
            const statements = await con.extractStatements(fs.readFileSync(file, 'utf8'));
            for (let i = 0; i < statements.count; i++) {
                const prepared = await statements.prepare(i);
                last = await prepared.runAndReadAll();
            }
        }
    } catch (e) {
        console.error(`duckdb: ${e.message}`);
        return 1;
    }
    const lines = [last.columnNames().map(field).join(',')];
    for (const row of last.getRows())
        lines.push(row.map(field).join(','));
    fs.writeFileSync(out, lines.join('\n') + '\n');
    con.closeSync();
    instance.closeSync();
    return 0;
}

main().then((rc) => { process.exitCode = rc; }, (e) => {
    console.error(`duckdb: ${e.stack || e}`);
    process.exitCode = 1;
});
