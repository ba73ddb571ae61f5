-- Reasons have words, dates are calendar dates, and two more pairs of duties are kept apart
-- (issue 14: breach 8 and three of the "also seen").
--
-- 1. Reasons have words (breach 8). A refusal whose reasons were E'\t\n', a zero-width space
--    (U+200B) or a no-break space (U+00A0) was stored: the checks trimmed only ASCII spaces
--    (btrim). A text the law or a rule requires as reasons — a decision's grunngiving (fvl. §§ 24–25),
--    a withdrawal, disqualification (fvl. § 6), move or frame adjustment, an appeal's grounds and a
--    late appeal's or late application's reason (fvl. § 31), withholding or releasing a payment, a
--    report's rejection, a claw-back, its appeal and the decision on it — now has at least one
--    letter (Unicode general category L: Lu, Ll, Lt, Lm, Lo). Removing every space, control and
--    format character first changes nothing about whether a letter is there, so the rule is simply
--    "contains a letter": tilskot.has_words(text).
--
--    Why explicit ranges and not [[:alpha:]]: PostgreSQL's regex classes follow the database's
--    LC_CTYPE, and the embedded cluster is initialised --no-locale (C), where [[:alpha:]] and \w
--    know only ASCII letters — "Søknad" would pass by its S, but "å" or "ŋ" alone would not, and a
--    server with another ctype would answer differently. The class below is every code point of
--    category L, as 684 ranges, generated from Swift's Unicode tables (Unicode.Scalar.Properties
--    .generalCategory, the same tables TilskotCore's ReasonText uses, so the CLI and the database
--    agree on every character):
--
--        for v in 0...0x10FFFF where the scalar's generalCategory is a letter: collect ranges
--
--    It does not depend on a collation, a locale or ICU, so it is truly IMMUTABLE. The function
--    has a SQL-standard body (RETURN …), bound when it is created: no search_path can redirect its
--    operator, and PostgreSQL inlines it into the CHECKs and the triggers' WHEN clauses.
--
--    Held twice, as everywhere in tilskot: a BEFORE INSERT trigger per table, aa_reasons_have_words,
--    that refuses a text that is there but has no words with one sentence and the SQLSTATE of the
--    table's rule (a blank text still meets the table's own sentence, "needs a reason"); and the
--    tables' CHECKs, now with has_words, as the last line (dropped and added again under the same
--    names). The trigger function reads no table and is not SECURITY DEFINER; its WHEN clause keeps
--    it from being called at all for a text with words.
--
-- 2. Dates are calendar dates. A late registration with received = '-infinity' was stored, and every
--    later step on the case failed with PostgreSQL's "cannot subtract infinite dates" (the caseload
--    summary counts days to decision). Every date and timestamp column of every tilskot table now has
--    CHECK (isfinite(col)), named <table>_<column>_finite, except the follow-up summaries (0036:
--    followup_tally, followup_delta, grant_followup), which use 'infinity' on purpose as the key of
--    "no reporting due date". Every table a user may insert into also gets a BEFORE INSERT trigger,
--    aa_finite_dates, that refuses an infinite date with one sentence (23T13, a value's own shape)
--    before the table's own trigger compares it with anything; its WHEN clause makes it free for
--    finite dates (the bulk import of a million applications calls no function for it). A database
--    that already holds an infinite date keeps its constraint NOT VALID (new rows are still checked)
--    and says so with a WARNING; deploy/check-integrity.sql names those rows.
--
-- 3. Payments: planner, attester and payer (also seen). The same finance user planned, attested and
--    paid one instalment. Bestemmelser om økonomistyring i staten keep the duties apart (punkt 2.5:
--    budget authority and attestation by different people; 5.3.5: no one person alone takes a
--    payment from claim to money out), and 0011 already refuses the decider as attester. Now also:
--      - the attester did not plan the instalment: attestation is the control of what the planner
--        entered — the amount, the due date and above all the bank account number — and a control of
--        one's own entry is none (the planner could type her own account and attest it);
--      - the payer did not attest it: paying is approving the payment (betalingsgodkjenning) of what
--        another person attested.
--    The planner may pay: between her plan and her payment stands another person's attestation.
--    So one instalment takes two people at least (planner/payer and attester), as 0011's fixture
--    already had for the decider. SQLSTATE 23T21 (four-eyes, to-personskontroll), a NEW trigger,
--    aa_payment_duties, rather than a redefinition of 0011's payment_event_before_insert.
--
-- 4. Appeals (also seen): a manager registered an appeal herself and decided the case again. The
--    manager who decides an appeal is not the one who registered it: registering the appeal (and
--    judging that it came in time, or why a late one is considered, fvl. §§ 29–31) and deciding it
--    are two pairs of eyes. SQLSTATE 23T03 (four-eyes), a NEW trigger on tilskot.decision,
--    aa_appeal_decided_by_another (0003/0044's decision_before_insert is not redefined). The
--    manager who made the appealed decision may still decide the appeal: fvl. § 33 has the body that
--    decided review it first.
--
-- Concurrency: the two four-eyes triggers are SECURITY DEFINER (they take row locks the caller has no
-- right to take) and lock the application row (then the instalment's) before they read, in the lock
-- order of every case rule (0050's guard row, taken by a0_case_guard before them; then the
-- application; then the instalment). The facts they read — who registered the pending appeal, who
-- planned and attested an instalment — are written by events that update the same rows (the appeal
-- moves the application to "appealed"; attesting and releasing update the instalment), so an old
-- snapshot at REPEATABLE READ or SERIALIZABLE gets 40001 on the lock, and READ COMMITTED waits and
-- reads what was committed.
--
-- Trigger names: triggers of one timing fire in name (byte) order. "aa_…" sorts after 0050's
-- "a0_case_guard" (so the guard row is taken first) and before the tables' own
-- "<table>_before_insert" (so these sentences come before anything compares an infinite date or
-- copies a reason).

-- ---------------------------------------------------------------------------------------------
-- 1. Reasons have words
-- ---------------------------------------------------------------------------------------------

-- True when `value` has at least one letter (Unicode general category L); NULL for NULL.
CREATE FUNCTION tilskot.has_words(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN value ~ ('['
    '\u0041-\u005a\u0061-\u007a\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02c1\u02c6-\u02d1'
    '\u02e0-\u02e4\u02ec\u02ee\u0370-\u0374\u0376-\u0377\u037a-\u037d\u037f\u0386\u0388-\u038a\u038c'
    '\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u0559\u0560-\u0588'
    '\u05d0-\u05ea\u05ef-\u05f2\u0620-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06e5-\u06e6'
    '\u06ee-\u06ef\u06fa-\u06fc\u06ff\u0710\u0712-\u072f\u074d-\u07a5\u07b1\u07ca-\u07ea\u07f4-\u07f5'
    '\u07fa\u0800-\u0815\u081a\u0824\u0828\u0840-\u0858\u0860-\u086a\u0870-\u0887\u0889-\u088f'
    '\u08a0-\u08c9\u0904-\u0939\u093d\u0950\u0958-\u0961\u0971-\u0980\u0985-\u098c\u098f-\u0990'
    '\u0993-\u09a8\u09aa-\u09b0\u09b2\u09b6-\u09b9\u09bd\u09ce\u09dc-\u09dd\u09df-\u09e1\u09f0-\u09f1'
    '\u09fc\u0a05-\u0a0a\u0a0f-\u0a10\u0a13-\u0a28\u0a2a-\u0a30\u0a32-\u0a33\u0a35-\u0a36'
    '\u0a38-\u0a39\u0a59-\u0a5c\u0a5e\u0a72-\u0a74\u0a85-\u0a8d\u0a8f-\u0a91\u0a93-\u0aa8'
    '\u0aaa-\u0ab0\u0ab2-\u0ab3\u0ab5-\u0ab9\u0abd\u0ad0\u0ae0-\u0ae1\u0af9\u0b05-\u0b0c\u0b0f-\u0b10'
    '\u0b13-\u0b28\u0b2a-\u0b30\u0b32-\u0b33\u0b35-\u0b39\u0b3d\u0b5c-\u0b5d\u0b5f-\u0b61\u0b71\u0b83'
    '\u0b85-\u0b8a\u0b8e-\u0b90\u0b92-\u0b95\u0b99-\u0b9a\u0b9c\u0b9e-\u0b9f\u0ba3-\u0ba4'
    '\u0ba8-\u0baa\u0bae-\u0bb9\u0bd0\u0c05-\u0c0c\u0c0e-\u0c10\u0c12-\u0c28\u0c2a-\u0c39\u0c3d'
    '\u0c58-\u0c5a\u0c5c-\u0c5d\u0c60-\u0c61\u0c80\u0c85-\u0c8c\u0c8e-\u0c90\u0c92-\u0ca8'
    '\u0caa-\u0cb3\u0cb5-\u0cb9\u0cbd\u0cdc-\u0cde\u0ce0-\u0ce1\u0cf1-\u0cf2\u0d04-\u0d0c'
    '\u0d0e-\u0d10\u0d12-\u0d3a\u0d3d\u0d4e\u0d54-\u0d56\u0d5f-\u0d61\u0d7a-\u0d7f\u0d85-\u0d96'
    '\u0d9a-\u0db1\u0db3-\u0dbb\u0dbd\u0dc0-\u0dc6\u0e01-\u0e30\u0e32-\u0e33\u0e40-\u0e46'
    '\u0e81-\u0e82\u0e84\u0e86-\u0e8a\u0e8c-\u0ea3\u0ea5\u0ea7-\u0eb0\u0eb2-\u0eb3\u0ebd\u0ec0-\u0ec4'
    '\u0ec6\u0edc-\u0edf\u0f00\u0f40-\u0f47\u0f49-\u0f6c\u0f88-\u0f8c\u1000-\u102a\u103f\u1050-\u1055'
    '\u105a-\u105d\u1061\u1065-\u1066\u106e-\u1070\u1075-\u1081\u108e\u10a0-\u10c5\u10c7\u10cd'
    '\u10d0-\u10fa\u10fc-\u1248\u124a-\u124d\u1250-\u1256\u1258\u125a-\u125d\u1260-\u1288'
    '\u128a-\u128d\u1290-\u12b0\u12b2-\u12b5\u12b8-\u12be\u12c0\u12c2-\u12c5\u12c8-\u12d6'
    '\u12d8-\u1310\u1312-\u1315\u1318-\u135a\u1380-\u138f\u13a0-\u13f5\u13f8-\u13fd\u1401-\u166c'
    '\u166f-\u167f\u1681-\u169a\u16a0-\u16ea\u16f1-\u16f8\u1700-\u1711\u171f-\u1731\u1740-\u1751'
    '\u1760-\u176c\u176e-\u1770\u1780-\u17b3\u17d7\u17dc\u1820-\u1878\u1880-\u1884\u1887-\u18a8\u18aa'
    '\u18b0-\u18f5\u1900-\u191e\u1950-\u196d\u1970-\u1974\u1980-\u19ab\u19b0-\u19c9\u1a00-\u1a16'
    '\u1a20-\u1a54\u1aa7\u1b05-\u1b33\u1b45-\u1b4c\u1b83-\u1ba0\u1bae-\u1baf\u1bba-\u1be5'
    '\u1c00-\u1c23\u1c4d-\u1c4f\u1c5a-\u1c7d\u1c80-\u1c8a\u1c90-\u1cba\u1cbd-\u1cbf\u1ce9-\u1cec'
    '\u1cee-\u1cf3\u1cf5-\u1cf6\u1cfa\u1d00-\u1dbf\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45'
    '\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe'
    '\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc'
    '\u2071\u207f\u2090-\u209c\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128'
    '\u212a-\u212d\u212f-\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183-\u2184\u2c00-\u2ce4'
    '\u2ceb-\u2cee\u2cf2-\u2cf3\u2d00-\u2d25\u2d27\u2d2d\u2d30-\u2d67\u2d6f\u2d80-\u2d96\u2da0-\u2da6'
    '\u2da8-\u2dae\u2db0-\u2db6\u2db8-\u2dbe\u2dc0-\u2dc6\u2dc8-\u2dce\u2dd0-\u2dd6\u2dd8-\u2dde'
    '\u2e2f\u3005-\u3006\u3031-\u3035\u303b-\u303c\u3041-\u3096\u309d-\u309f\u30a1-\u30fa'
    '\u30fc-\u30ff\u3105-\u312f\u3131-\u318e\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\ua48c'
    '\ua4d0-\ua4fd\ua500-\ua60c\ua610-\ua61f\ua62a-\ua62b\ua640-\ua66e\ua67f-\ua69d\ua6a0-\ua6e5'
    '\ua717-\ua71f\ua722-\ua788\ua78b-\ua7dc\ua7f1-\ua801\ua803-\ua805\ua807-\ua80a\ua80c-\ua822'
    '\ua840-\ua873\ua882-\ua8b3\ua8f2-\ua8f7\ua8fb\ua8fd-\ua8fe\ua90a-\ua925\ua930-\ua946'
    '\ua960-\ua97c\ua984-\ua9b2\ua9cf\ua9e0-\ua9e4\ua9e6-\ua9ef\ua9fa-\ua9fe\uaa00-\uaa28'
    '\uaa40-\uaa42\uaa44-\uaa4b\uaa60-\uaa76\uaa7a\uaa7e-\uaaaf\uaab1\uaab5-\uaab6\uaab9-\uaabd\uaac0'
    '\uaac2\uaadb-\uaadd\uaae0-\uaaea\uaaf2-\uaaf4\uab01-\uab06\uab09-\uab0e\uab11-\uab16'
    '\uab20-\uab26\uab28-\uab2e\uab30-\uab5a\uab5c-\uab69\uab70-\uabe2\uac00-\ud7a3\ud7b0-\ud7c6'
    '\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\ufb00-\ufb06\ufb13-\ufb17\ufb1d\ufb1f-\ufb28'
    '\ufb2a-\ufb36\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufbb1\ufbd3-\ufd3d'
    '\ufd50-\ufd8f\ufd92-\ufdc7\ufdf0-\ufdfb\ufe70-\ufe74\ufe76-\ufefc\uff21-\uff3a\uff41-\uff5a'
    '\uff66-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00010000-\U0001000b'
    '\U0001000d-\U00010026\U00010028-\U0001003a\U0001003c-\U0001003d\U0001003f-\U0001004d'
    '\U00010050-\U0001005d\U00010080-\U000100fa\U00010280-\U0001029c\U000102a0-\U000102d0'
    '\U00010300-\U0001031f\U0001032d-\U00010340\U00010342-\U00010349\U00010350-\U00010375'
    '\U00010380-\U0001039d\U000103a0-\U000103c3\U000103c8-\U000103cf\U00010400-\U0001049d'
    '\U000104b0-\U000104d3\U000104d8-\U000104fb\U00010500-\U00010527\U00010530-\U00010563'
    '\U00010570-\U0001057a\U0001057c-\U0001058a\U0001058c-\U00010592\U00010594-\U00010595'
    '\U00010597-\U000105a1\U000105a3-\U000105b1\U000105b3-\U000105b9\U000105bb-\U000105bc'
    '\U000105c0-\U000105f3\U00010600-\U00010736\U00010740-\U00010755\U00010760-\U00010767'
    '\U00010780-\U00010785\U00010787-\U000107b0\U000107b2-\U000107ba\U00010800-\U00010805\U00010808'
    '\U0001080a-\U00010835\U00010837-\U00010838\U0001083c\U0001083f-\U00010855\U00010860-\U00010876'
    '\U00010880-\U0001089e\U000108e0-\U000108f2\U000108f4-\U000108f5\U00010900-\U00010915'
    '\U00010920-\U00010939\U00010940-\U00010959\U00010980-\U000109b7\U000109be-\U000109bf\U00010a00'
    '\U00010a10-\U00010a13\U00010a15-\U00010a17\U00010a19-\U00010a35\U00010a60-\U00010a7c'
    '\U00010a80-\U00010a9c\U00010ac0-\U00010ac7\U00010ac9-\U00010ae4\U00010b00-\U00010b35'
    '\U00010b40-\U00010b55\U00010b60-\U00010b72\U00010b80-\U00010b91\U00010c00-\U00010c48'
    '\U00010c80-\U00010cb2\U00010cc0-\U00010cf2\U00010d00-\U00010d23\U00010d4a-\U00010d65'
    '\U00010d6f-\U00010d85\U00010e80-\U00010ea9\U00010eb0-\U00010eb1\U00010ec2-\U00010ec7'
    '\U00010f00-\U00010f1c\U00010f27\U00010f30-\U00010f45\U00010f70-\U00010f81\U00010fb0-\U00010fc4'
    '\U00010fe0-\U00010ff6\U00011003-\U00011037\U00011071-\U00011072\U00011075\U00011083-\U000110af'
    '\U000110d0-\U000110e8\U00011103-\U00011126\U00011144\U00011147\U00011150-\U00011172\U00011176'
    '\U00011183-\U000111b2\U000111c1-\U000111c4\U000111da\U000111dc\U00011200-\U00011211'
    '\U00011213-\U0001122b\U0001123f-\U00011240\U00011280-\U00011286\U00011288\U0001128a-\U0001128d'
    '\U0001128f-\U0001129d\U0001129f-\U000112a8\U000112b0-\U000112de\U00011305-\U0001130c'
    '\U0001130f-\U00011310\U00011313-\U00011328\U0001132a-\U00011330\U00011332-\U00011333'
    '\U00011335-\U00011339\U0001133d\U00011350\U0001135d-\U00011361\U00011380-\U00011389\U0001138b'
    '\U0001138e\U00011390-\U000113b5\U000113b7\U000113d1\U000113d3\U00011400-\U00011434'
    '\U00011447-\U0001144a\U0001145f-\U00011461\U00011480-\U000114af\U000114c4-\U000114c5\U000114c7'
    '\U00011580-\U000115ae\U000115d8-\U000115db\U00011600-\U0001162f\U00011644\U00011680-\U000116aa'
    '\U000116b8\U00011700-\U0001171a\U00011740-\U00011746\U00011800-\U0001182b\U000118a0-\U000118df'
    '\U000118ff-\U00011906\U00011909\U0001190c-\U00011913\U00011915-\U00011916\U00011918-\U0001192f'
    '\U0001193f\U00011941\U000119a0-\U000119a7\U000119aa-\U000119d0\U000119e1\U000119e3\U00011a00'
    '\U00011a0b-\U00011a32\U00011a3a\U00011a50\U00011a5c-\U00011a89\U00011a9d\U00011ab0-\U00011af8'
    '\U00011bc0-\U00011be0\U00011c00-\U00011c08\U00011c0a-\U00011c2e\U00011c40\U00011c72-\U00011c8f'
    '\U00011d00-\U00011d06\U00011d08-\U00011d09\U00011d0b-\U00011d30\U00011d46\U00011d60-\U00011d65'
    '\U00011d67-\U00011d68\U00011d6a-\U00011d89\U00011d98\U00011db0-\U00011ddb\U00011ee0-\U00011ef2'
    '\U00011f02\U00011f04-\U00011f10\U00011f12-\U00011f33\U00011fb0\U00012000-\U00012399'
    '\U00012480-\U00012543\U00012f90-\U00012ff0\U00013000-\U0001342f\U00013441-\U00013446'
    '\U00013460-\U000143fa\U00014400-\U00014646\U00016100-\U0001611d\U00016800-\U00016a38'
    '\U00016a40-\U00016a5e\U00016a70-\U00016abe\U00016ad0-\U00016aed\U00016b00-\U00016b2f'
    '\U00016b40-\U00016b43\U00016b63-\U00016b77\U00016b7d-\U00016b8f\U00016d40-\U00016d6c'
    '\U00016e40-\U00016e7f\U00016ea0-\U00016eb8\U00016ebb-\U00016ed3\U00016f00-\U00016f4a\U00016f50'
    '\U00016f93-\U00016f9f\U00016fe0-\U00016fe1\U00016fe3\U00016ff2-\U00016ff3\U00017000-\U00018cd5'
    '\U00018cff-\U00018d1e\U00018d80-\U00018df2\U0001aff0-\U0001aff3\U0001aff5-\U0001affb'
    '\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155'
    '\U0001b164-\U0001b167\U0001b170-\U0001b2fb\U0001bc00-\U0001bc6a\U0001bc70-\U0001bc7c'
    '\U0001bc80-\U0001bc88\U0001bc90-\U0001bc99\U0001d400-\U0001d454\U0001d456-\U0001d49c'
    '\U0001d49e-\U0001d49f\U0001d4a2\U0001d4a5-\U0001d4a6\U0001d4a9-\U0001d4ac\U0001d4ae-\U0001d4b9'
    '\U0001d4bb\U0001d4bd-\U0001d4c3\U0001d4c5-\U0001d505\U0001d507-\U0001d50a\U0001d50d-\U0001d514'
    '\U0001d516-\U0001d51c\U0001d51e-\U0001d539\U0001d53b-\U0001d53e\U0001d540-\U0001d544\U0001d546'
    '\U0001d54a-\U0001d550\U0001d552-\U0001d6a5\U0001d6a8-\U0001d6c0\U0001d6c2-\U0001d6da'
    '\U0001d6dc-\U0001d6fa\U0001d6fc-\U0001d714\U0001d716-\U0001d734\U0001d736-\U0001d74e'
    '\U0001d750-\U0001d76e\U0001d770-\U0001d788\U0001d78a-\U0001d7a8\U0001d7aa-\U0001d7c2'
    '\U0001d7c4-\U0001d7cb\U0001df00-\U0001df1e\U0001df25-\U0001df2a\U0001e030-\U0001e06d'
    '\U0001e100-\U0001e12c\U0001e137-\U0001e13d\U0001e14e\U0001e290-\U0001e2ad\U0001e2c0-\U0001e2eb'
    '\U0001e4d0-\U0001e4eb\U0001e5d0-\U0001e5ed\U0001e5f0\U0001e6c0-\U0001e6de\U0001e6e0-\U0001e6e2'
    '\U0001e6e4-\U0001e6e5\U0001e6e7-\U0001e6ed\U0001e6f0-\U0001e6f4\U0001e6fe-\U0001e6ff'
    '\U0001e7e0-\U0001e7e6\U0001e7e8-\U0001e7eb\U0001e7ed-\U0001e7ee\U0001e7f0-\U0001e7fe'
    '\U0001e800-\U0001e8c4\U0001e900-\U0001e943\U0001e94b\U0001ee00-\U0001ee03\U0001ee05-\U0001ee1f'
    '\U0001ee21-\U0001ee22\U0001ee24\U0001ee27\U0001ee29-\U0001ee32\U0001ee34-\U0001ee37\U0001ee39'
    '\U0001ee3b\U0001ee42\U0001ee47\U0001ee49\U0001ee4b\U0001ee4d-\U0001ee4f\U0001ee51-\U0001ee52'
    '\U0001ee54\U0001ee57\U0001ee59\U0001ee5b\U0001ee5d\U0001ee5f\U0001ee61-\U0001ee62\U0001ee64'
    '\U0001ee67-\U0001ee6a\U0001ee6c-\U0001ee72\U0001ee74-\U0001ee77\U0001ee79-\U0001ee7c\U0001ee7e'
    '\U0001ee80-\U0001ee89\U0001ee8b-\U0001ee9b\U0001eea1-\U0001eea3\U0001eea5-\U0001eea9'
    '\U0001eeab-\U0001eebb\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead'
    '\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a'
    '\U00031350-\U00033479'
    ']');

-- A pure function of its argument: anyone may call it (the CHECKs and WHEN clauses below run it as
-- the inserting user, and the auditor's integrity check reads with it).
REVOKE ALL ON FUNCTION tilskot.has_words(text) FROM PUBLIC;
DO $$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_catalog.pg_roles
              WHERE rolname IN ('tilskot_caseworker', 'tilskot_manager', 'tilskot_finance', 'tilskot_auditor',
                                'tilskot_admin', 'tilskot_participant_reader', 'tilskot_participant_owner',
                                'tilskot_participant_steward')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION tilskot.has_words(text) TO %I', r);
    END LOOP;
END
$$;

-- The refusal. TG_ARGV[0] is the SQLSTATE of the table's rule, TG_ARGV[1] the sentence. The trigger's
-- WHEN clause has already found a text that is there (not blank: a blank one meets the table's own
-- "needs a reason") but has no letter.
CREATE FUNCTION tilskot.reasons_have_words_refusal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[1] USING ERRCODE = TG_ARGV[0];
END
$$;
REVOKE ALL ON FUNCTION tilskot.reasons_have_words_refusal() FROM PUBLIC;

-- Each table's text that must give reasons: the trigger (when the text is there without words) and
-- the CHECK (when the rule requires the text). `has no words` says what is wrong; the rest what to do.
DO $$
DECLARE
    -- table, column, SQLSTATE, sentence, CHECK name (NULL: none of its own), CHECK expression
    rule text[];
    rules text[][] := ARRAY[
        ARRAY['decision', 'reasons', '23T05',
              'decision refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons in words (fvl. §§ 24–25)',
              'decision_reasons_present', 'outcome = ''granted'' OR tilskot.has_words(coalesce(reasons, ''''))'],
        ARRAY['withdrawal', 'reason', '23T05',
              'withdrawal refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words',
              'withdrawal_reason_present', 'tilskot.has_words(reason)'],
        ARRAY['round_move', 'reason', '23T05',
              'move refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words',
              'round_move_reason_present', 'tilskot.has_words(reason)'],
        ARRAY['disqualification', 'reason', '23T05',
              'disqualification refused: the reason has no words (only spaces, line breaks or invisible characters); say in words what ties the person to the case (fvl. § 6)',
              'disqualification_reason_present', 'tilskot.has_words(reason)'],
        ARRAY['frame_adjustment', 'reason', '23T05',
              'frame adjustment refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words',
              'frame_adjustment_reason_present', 'tilskot.has_words(reason)'],
        ARRAY['application', 'late_reason', '23T08',
              'application refused: the reason for registering it late has no words (only spaces, line breaks or invisible characters); give the reason in words',
              'application_late_has_reason', 'NOT late OR tilskot.has_words(coalesce(late_reason, ''''))'],
        ARRAY['appeal', 'grounds', '23T07',
              'appeal refused: the grounds have no words (only spaces, line breaks or invisible characters); give what the appellant says in words',
              'appeal_grounds_present', 'tilskot.has_words(grounds)'],
        ARRAY['appeal', 'late_reason', '23T07',
              'appeal refused: the reason for considering a late appeal has no words (only spaces, line breaks or invisible characters); give it in words (fvl. § 31)',
              'appeal_late_has_reason', 'NOT late OR tilskot.has_words(coalesce(late_reason, ''''))'],
        ARRAY['payment_event', 'reason', '23T23',
              'payment step refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason for withholding or releasing in words',
              'payment_event_reason_has_words', 'kind NOT IN (''withhold'', ''release'') OR tilskot.has_words(coalesce(reason, ''''))'],
        ARRAY['payment', NULL, NULL, NULL,
              'payment_withheld_reason_has_words', 'status <> ''withheld'' OR tilskot.has_words(coalesce(withheld_reason, ''''))'],
        ARRAY['report_review', 'reasons', '23T24',
              'review refused: the reasons have no words (only spaces, line breaks or invisible characters); say in words what the recipient must send again',
              'report_review_rejection_has_reasons', 'outcome = ''approved'' OR tilskot.has_words(coalesce(reasons, ''''))'],
        ARRAY['recipient_report', NULL, NULL, NULL,
              'recipient_report_rejection_has_words', 'status <> ''rejected'' OR tilskot.has_words(coalesce(review_reasons, ''''))'],
        ARRAY['clawback', 'reasons', '23T27',
              'claw-back refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons for demanding repayment in words (fvl. §§ 24–25)',
              'clawback_reasons_present', 'tilskot.has_words(reasons)'],
        ARRAY['clawback_appeal', 'grounds', '23T27',
              'appeal refused: the grounds have no words (only spaces, line breaks or invisible characters); give what the appellant says in words',
              'clawback_appeal_grounds_present', 'tilskot.has_words(grounds)'],
        ARRAY['clawback_appeal', 'late_reason', '23T27',
              'appeal refused: the reason for considering a late appeal has no words (only spaces, line breaks or invisible characters); give it in words (fvl. § 31)',
              'clawback_appeal_late_has_reason', 'NOT late OR tilskot.has_words(coalesce(late_reason, ''''))'],
        ARRAY['clawback_resolution', 'reasons', '23T27',
              'resolution refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons for the decision on the appeal in words',
              'clawback_resolution_reasons_present', 'tilskot.has_words(reasons)']
    ];
BEGIN
    FOREACH rule SLICE 1 IN ARRAY rules LOOP
        IF rule[2] IS NOT NULL THEN
            -- aa_reasons_<column>: one per column (appeal and clawback_appeal have two).
            EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON tilskot.%I FOR EACH ROW
                            WHEN (NEW.%I IS NOT NULL AND btrim(NEW.%I) <> '''' AND NOT tilskot.has_words(NEW.%I))
                            EXECUTE FUNCTION tilskot.reasons_have_words_refusal(%L, %L)',
                           'aa_reasons_have_words_' || rule[2], rule[1], rule[2], rule[2], rule[2], rule[3], rule[4]);
        END IF;
        -- The last line. NOT VALID first, then validated: a database that already holds such a row
        -- keeps the constraint for new rows, warns, and check-integrity.sql names the rows.
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid = format('tilskot.%I', rule[1])::regclass AND conname = rule[5]) THEN
            EXECUTE format('ALTER TABLE tilskot.%I DROP CONSTRAINT %I', rule[1], rule[5]);
        END IF;
        EXECUTE format('ALTER TABLE tilskot.%I ADD CONSTRAINT %I CHECK (%s) NOT VALID', rule[1], rule[5], rule[6]);
        BEGIN
            EXECUTE format('ALTER TABLE tilskot.%I VALIDATE CONSTRAINT %I', rule[1], rule[5]);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'tilskot.% holds rows whose reasons have no words; % checks new rows only until they are corrected (deploy/check-integrity.sql names them)',
                rule[1], rule[5];
        END;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- 2. Dates are calendar dates
-- ---------------------------------------------------------------------------------------------

-- The refusal: TG_ARGV holds the table's date and time columns; the trigger's WHEN clause has found
-- one of them infinite. Runs with the caller's rights and reads no table.
CREATE FUNCTION tilskot.finite_dates_refusal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    row_data jsonb := to_jsonb(NEW);
    col text;
BEGIN
    FOREACH col IN ARRAY TG_ARGV LOOP
        IF row_data ->> col IN ('infinity', '-infinity') THEN
            RAISE EXCEPTION '% refused: % is %, which is not a calendar date; give a real date (YYYY-MM-DD)',
                replace(TG_TABLE_NAME, '_', ' '), replace(col, '_', ' '), row_data ->> col USING ERRCODE = '23T13';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tilskot.finite_dates_refusal() FROM PUBLIC;

DO $$
DECLARE
    t record;
    c text;
    adds text[];
    cons text;
BEGIN
    FOR t IN
        SELECT cl.oid, cl.relname,
               array_agg(a.attname::text ORDER BY a.attnum) AS cols,
               -- Someone other than the owner may insert (directly, or a participant owner's function).
               EXISTS (SELECT 1 FROM pg_catalog.pg_roles g
                        WHERE g.rolname LIKE 'tilskot\_%' AND g.rolname <> 'tilskot_owner'
                          AND pg_catalog.has_any_column_privilege(g.oid, cl.oid, 'INSERT')) AS user_written
          FROM pg_catalog.pg_class cl
          JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE cl.relnamespace = 'tilskot'::regnamespace AND cl.relkind IN ('r', 'p')
           AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype, 'timestamp'::regtype)
           -- 0036's summaries key "no reporting due date" as 'infinity' on purpose.
           AND cl.relname NOT IN ('followup_tally', 'followup_delta', 'grant_followup')
         GROUP BY cl.oid, cl.relname
         ORDER BY cl.relname
    LOOP
        adds := ARRAY[]::text[];
        FOREACH c IN ARRAY t.cols LOOP
            cons := left(t.relname || '_' || c, 56) || '_finite';
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = t.oid AND conname = cons) THEN
                adds := adds || format('ADD CONSTRAINT %I CHECK (isfinite(%I)) NOT VALID', cons, c);
            END IF;
        END LOOP;
        IF cardinality(adds) > 0 THEN
            EXECUTE format('ALTER TABLE tilskot.%I %s', t.relname, array_to_string(adds, ', '));
            FOREACH c IN ARRAY t.cols LOOP
                cons := left(t.relname || '_' || c, 56) || '_finite';
                BEGIN
                    EXECUTE format('ALTER TABLE tilskot.%I VALIDATE CONSTRAINT %I', t.relname, cons);
                EXCEPTION WHEN check_violation THEN
                    RAISE WARNING 'tilskot.%.% holds an infinite date; % checks new rows only until it is corrected (deploy/check-integrity.sql names the rows)',
                        t.relname, c, cons;
                END;
            END LOOP;
        END IF;
        IF t.user_written THEN
            EXECUTE format('CREATE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.%I FOR EACH ROW
                            WHEN (NOT (%s))
                            EXECUTE FUNCTION tilskot.finite_dates_refusal(%s)',
                           t.relname,
                           (SELECT string_agg(format('coalesce(isfinite(NEW.%I), true)', x), ' AND ') FROM unnest(t.cols) x),
                           (SELECT string_agg(quote_literal(x), ', ') FROM unnest(t.cols) x));
        END IF;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- 3. Payments: the attester did not plan the instalment; the payer did not attest it
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.payment_duties_apart() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app_id bigint;
    app tilskot.application;
    p tilskot.payment;
BEGIN
    IF NEW.kind NOT IN ('attest', 'pay') THEN
        RETURN NEW;
    END IF;
    SELECT application_id INTO app_id FROM tilskot.payment WHERE id = NEW.payment_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- payment_event_before_insert refuses it in its words (23T12)
    END IF;
    -- The lock order of every payment rule: the application, then the instalment.
    app := tilskot.lock_application(app_id, CASE NEW.kind WHEN 'attest' THEN 'attestation' ELSE 'payment' END);
    SELECT * INTO p FROM tilskot.payment WHERE id = NEW.payment_id FOR UPDATE;
    IF NEW.kind = 'attest' AND p.status = 'planned' AND p.planned_by = actor THEN
        RAISE EXCEPTION 'attestation refused: % planned %, and attestation is the control of what the planner entered (amount, date, bank account); another finance user must attest it (to-personskontroll)',
            actor, tilskot.payment_label(p, app.reference) USING ERRCODE = '23T21';
    END IF;
    IF NEW.kind = 'pay' AND p.status = 'attested' AND p.attested_by = actor THEN
        RAISE EXCEPTION 'payment refused: % attested % and cannot also approve its payment; another finance user must pay it (to-personskontroll)',
            actor, tilskot.payment_label(p, app.reference) USING ERRCODE = '23T21';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tilskot.payment_duties_apart() FROM PUBLIC;

CREATE TRIGGER aa_payment_duties BEFORE INSERT ON tilskot.payment_event
    FOR EACH ROW EXECUTE FUNCTION tilskot.payment_duties_apart();

-- ---------------------------------------------------------------------------------------------
-- 4. Appeals: the manager who decides an appeal did not register it
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.appeal_decided_by_another() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    registrar text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tilskot.application WHERE id = NEW.application_id) THEN
        RETURN NEW;  -- decision_before_insert refuses it in its words (23T12)
    END IF;
    -- The application's lock first (as decision_before_insert takes it next): an appeal registered
    -- after this transaction's snapshot changed the row (status → appealed), so an old snapshot
    -- gets 40001 here rather than deciding past an appeal it cannot see.
    app := tilskot.lock_application(NEW.application_id, 'decision');
    SELECT registered_by INTO registrar FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF registrar = actor THEN
        RAISE EXCEPTION 'decision refused: % registered the appeal on % and cannot also decide it; another manager must decide the appeal',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tilskot.appeal_decided_by_another() FROM PUBLIC;

CREATE TRIGGER aa_appeal_decided_by_another BEFORE INSERT ON tilskot.decision
    FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_decided_by_another();
