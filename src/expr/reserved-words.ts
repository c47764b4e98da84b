// DynamoDB's reserved words, and the check that refuses them as attribute names written
// directly in an expression.
//
// The list is the Developer Guide's "Reserved words in DynamoDB" page (573 words, kept
// verbatim, including its oddities such as FLATTERN, INNTER and LOGED). The check is
// case-insensitive; the error names the word as written. Placeholders (#name) and
// function names (size(a)) are never checked.

import type { ConditionNode, OperandNode, PathNode, ProjectionNode, UpdateNode, ExpressionKind } from "./ast.js";
import { validation } from "../errors.js";

const WORDS = `
  ABORT ABSOLUTE ACTION ADD AFTER AGENT AGGREGATE ALL ALLOCATE ALTER ANALYZE AND ANY ARCHIVE ARE ARRAY
  AS ASC ASCII ASENSITIVE ASSERTION ASYMMETRIC AT ATOMIC ATTACH ATTRIBUTE AUTH AUTHORIZATION AUTHORIZE
  AUTO AVG BACK BACKUP BASE BATCH BEFORE BEGIN BETWEEN BIGINT BINARY BIT BLOB BLOCK BOOLEAN BOTH
  BREADTH BUCKET BULK BY BYTE CALL CALLED CALLING CAPACITY CASCADE CASCADED CASE CAST CATALOG CHAR
  CHARACTER CHECK CLASS CLOB CLOSE CLUSTER CLUSTERED CLUSTERING CLUSTERS COALESCE COLLATE COLLATION
  COLLECTION COLUMN COLUMNS COMBINE COMMENT COMMIT COMPACT COMPILE COMPRESS CONDITION CONFLICT CONNECT
  CONNECTION CONSISTENCY CONSISTENT CONSTRAINT CONSTRAINTS CONSTRUCTOR CONSUMED CONTINUE CONVERT COPY
  CORRESPONDING COUNT COUNTER CREATE CROSS CUBE CURRENT CURSOR CYCLE DATA DATABASE DATE DATETIME DAY
  DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE DEFERRED DEFINE DEFINED DEFINITION DELETE
  DELIMITED DEPTH DEREF DESC DESCRIBE DESCRIPTOR DETACH DETERMINISTIC DIAGNOSTICS DIRECTORIES DISABLE
  DISCONNECT DISTINCT DISTRIBUTE DO DOMAIN DOUBLE DROP DUMP DURATION DYNAMIC EACH ELEMENT ELSE ELSEIF
  EMPTY ENABLE END EQUAL EQUALS ERROR ESCAPE ESCAPED EVAL EVALUATE EXCEEDED EXCEPT EXCEPTION
  EXCEPTIONS EXCLUSIVE EXEC EXECUTE EXISTS EXIT EXPLAIN EXPLODE EXPORT EXPRESSION EXTENDED EXTERNAL
  EXTRACT FAIL FALSE FAMILY FETCH FIELDS FILE FILTER FILTERING FINAL FINISH FIRST FIXED FLATTERN FLOAT
  FOR FORCE FOREIGN FORMAT FORWARD FOUND FREE FROM FULL FUNCTION FUNCTIONS GENERAL GENERATE GET GLOB
  GLOBAL GO GOTO GRANT GREATER GROUP GROUPING HANDLER HASH HAVE HAVING HEAP HIDDEN HOLD HOUR
  IDENTIFIED IDENTITY IF IGNORE IMMEDIATE IMPORT IN INCLUDING INCLUSIVE INCREMENT INCREMENTAL INDEX
  INDEXED INDEXES INDICATOR INFINITE INITIALLY INLINE INNER INNTER INOUT INPUT INSENSITIVE INSERT
  INSTEAD INT INTEGER INTERSECT INTERVAL INTO INVALIDATE IS ISOLATION ITEM ITEMS ITERATE JOIN KEY KEYS
  LAG LANGUAGE LARGE LAST LATERAL LEAD LEADING LEAVE LEFT LENGTH LESS LEVEL LIKE LIMIT LIMITED LINES
  LIST LOAD LOCAL LOCALTIME LOCALTIMESTAMP LOCATION LOCATOR LOCK LOCKS LOG LOGED LONG LOOP LOWER MAP
  MATCH MATERIALIZED MAX MAXLEN MEMBER MERGE METHOD METRICS MIN MINUS MINUTE MISSING MOD MODE MODIFIES
  MODIFY MODULE MONTH MULTI MULTISET NAME NAMES NATIONAL NATURAL NCHAR NCLOB NEW NEXT NO NONE NOT NULL
  NULLIF NUMBER NUMERIC OBJECT OF OFFLINE OFFSET OLD ON ONLINE ONLY OPAQUE OPEN OPERATOR OPTION OR
  ORDER ORDINALITY OTHER OTHERS OUT OUTER OUTPUT OVER OVERLAPS OVERRIDE OWNER PAD PARALLEL PARAMETER
  PARAMETERS PARTIAL PARTITION PARTITIONED PARTITIONS PATH PERCENT PERCENTILE PERMISSION PERMISSIONS
  PIPE PIPELINED PLAN POOL POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVATE PRIVILEGES
  PROCEDURE PROCESSED PROJECT PROJECTION PROPERTY PROVISIONING PUBLIC PUT QUERY QUIT QUORUM RAISE
  RANDOM RANGE RANK RAW READ READS REAL REBUILD RECORD RECURSIVE REDUCE REF REFERENCE REFERENCES
  REFERENCING REGEXP REGION REINDEX RELATIVE RELEASE REMAINDER RENAME REPEAT REPLACE REQUEST RESET
  RESIGNAL RESOURCE RESPONSE RESTORE RESTRICT RESULT RETURN RETURNING RETURNS REVERSE REVOKE RIGHT
  ROLE ROLES ROLLBACK ROLLUP ROUTINE ROW ROWS RULE RULES SAMPLE SATISFIES SAVE SAVEPOINT SCAN SCHEMA
  SCOPE SCROLL SEARCH SECOND SECTION SEGMENT SEGMENTS SELECT SELF SEMI SENSITIVE SEPARATE SEQUENCE
  SERIALIZABLE SESSION SET SETS SHARD SHARE SHARED SHORT SHOW SIGNAL SIMILAR SIZE SKEWED SMALLINT
  SNAPSHOT SOME SOURCE SPACE SPACES SPARSE SPECIFIC SPECIFICTYPE SPLIT SQL SQLCODE SQLERROR
  SQLEXCEPTION SQLSTATE SQLWARNING START STATE STATIC STATUS STORAGE STORE STORED STREAM STRING STRUCT
  STYLE SUB SUBMULTISET SUBPARTITION SUBSTRING SUBTYPE SUM SUPER SYMMETRIC SYNONYM SYSTEM TABLE
  TABLESAMPLE TEMP TEMPORARY TERMINATED TEXT THAN THEN THROUGHPUT TIME TIMESTAMP TIMEZONE TINYINT TO
  TOKEN TOTAL TOUCH TRAILING TRANSACTION TRANSFORM TRANSLATE TRANSLATION TREAT TRIGGER TRIM TRUE
  TRUNCATE TTL TUPLE TYPE UNDER UNDO UNION UNIQUE UNIT UNKNOWN UNLOGGED UNNEST UNPROCESSED UNSIGNED
  UNTIL UPDATE UPPER URL USAGE USE USER USERS USING UUID VACUUM VALUE VALUED VALUES VARCHAR VARIABLE
  VARIANCE VARINT VARYING VIEW VIEWS VIRTUAL VOID WAIT WHEN WHENEVER WHERE WHILE WINDOW WITH WITHIN
  WITHOUT WORK WRAPPED WRITE YEAR ZONE
`;

/** DynamoDB's reserved words, upper case. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((word) => word !== ""));

export function isReservedWord(name: string): boolean {
  return RESERVED_WORDS.has(name.toUpperCase());
}

type Node = ConditionNode | OperandNode | ProjectionNode | UpdateNode;

/**
 * Throws DynamoDB's ValidationException for the first attribute name, in textual order,
 * that is a reserved word: `Invalid <kind>: Attribute name is a reserved keyword;
 * reserved keyword: <name as written>`. Walks the unresolved AST with an explicit stack,
 * so deeply nested expressions cannot exhaust the call stack.
 */
export function checkReservedWords(ast: Node, kind: ExpressionKind): void {
  const name = firstReservedName(ast);
  if (name !== undefined) throw validation(`Invalid ${kind}: ${reservedWordReason(name)}`);
}

/** The reserved-word error after "Invalid <kind>: ". */
export function reservedWordReason(name: string): string {
  return `Attribute name is a reserved keyword; reserved keyword: ${name}`;
}

/** The first reserved attribute name in textual order, if any. */
export function firstReservedName(ast: Node): string | undefined {
  // Children are pushed in reverse so they pop in the order they were written.
  const stack: Node[] = [ast];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    switch (node.kind) {
      case "path": {
        const found = reservedInPath(node);
        if (found !== undefined) return found;
        break;
      }
      case "value":
        break;
      case "call":
        pushReversed(stack, node.args);
        break;
      case "arithmetic":
        stack.push(node.right, node.left);
        break;
      case "compare":
        stack.push(node.right, node.left);
        break;
      case "between":
        stack.push(node.high, node.low, node.operand);
        break;
      case "in":
        pushReversed(stack, node.list);
        stack.push(node.operand);
        break;
      case "and":
      case "or":
        stack.push(node.right, node.left);
        break;
      case "not":
        stack.push(node.operand);
        break;
      case "function":
        stack.push(node.call);
        break;
      case "parens":
        stack.push(node.inner);
        break;
      case "projection":
        pushReversed(stack, node.paths);
        break;
      case "update":
        for (let i = node.clauses.length - 1; i >= 0; i--) {
          const clause = node.clauses[i]!;
          if (clause.kind === "REMOVE") {
            pushReversed(stack, clause.paths);
          } else {
            for (let j = clause.actions.length - 1; j >= 0; j--) {
              const action = clause.actions[j]!;
              stack.push(action.value, action.path);
            }
          }
        }
        break;
    }
  }
  return undefined;
}

function reservedInPath(path: PathNode): string | undefined {
  for (const element of path.elements) {
    if (element.kind === "name" && isReservedWord(element.name)) return element.name;
  }
  return undefined;
}

function pushReversed(stack: Node[], nodes: readonly Node[]): void {
  for (let i = nodes.length - 1; i >= 0; i--) stack.push(nodes[i]!);
}
