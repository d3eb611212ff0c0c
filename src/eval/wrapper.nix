# hydrant's evaluation wrapper: imports a release expression, calls it with the jobset inputs
# it accepts, and walks the result the way hydra-eval-jobs does, returning one record per job.
# `paths` limits the walk to some subtrees (used to isolate errors tryEval cannot catch);
# `catch = false` lets a job's error reach stderr, so its message can be shown.
# It runs once per attribute of a release, so it is written for speed: one tryEval per
# attribute, and only the meta fields a job has are formatted (hydrant fills in the defaults).
{ releaseFile, inputs, paths ? [ [ ] ], catch ? true, mode ? "jobs" }:
let
  inherit (builtins) attrNames concatMap filter isAttrs isFunction isList isString
    functionArgs intersectAttrs tryEval deepSeq typeOf listToAttrs map head tail
    concatStringsSep mapAttrs length;

  call = f: if isFunction f then f (intersectAttrs (functionArgs f) inputs) else f;

  release = call (import releaseFile);

  # replaceStrings, not a regex: this runs once per attribute.
  hasDot = s: builtins.replaceStrings [ "." ] [ "" ] s != s;

  names = v: filter (n: !(hasDot n) && n != "recurseForDerivations") (attrNames v);

  isDrv = v: isAttrs v && (v.type or null) == "derivation";

  showLicense = l:
    if isList l then concatStringsSep ", " (map showLicense l)
    else if isAttrs l then (l.shortName or l.spdxId or l.fullName or "")
    else if isString l then l
    else "";

  showMaintainer = m:
    if isAttrs m then (m.email or m.github or m.name or "")
    else if isString m then m
    else "";

  intOr = d: v: if builtins.isInt v then v else d;

  # The meta fields hydrant keeps, each with how to show it. A field a job lacks is left out
  # of its record and takes hydrant's default (priority 100, timeout 36000, maxSilent 7200).
  metaFields = {
    description = d: if isString d then d else "";
    license = showLicense;
    maintainers = m: concatStringsSep ", " (filter (s: s != "")
      (map showMaintainer (if isList m then m else [ m ])));
    schedulingPriority = intOr 100;
    timeout = intOr 36000;
    maxSilent = intOr 7200;
  };

  job = name: drv:
    let
      outs = drv.outputs or [ "out" ];
      meta = let m = drv.meta or { }; in if isAttrs m then m else { };
      info = {
        inherit name;
        drvPath = drv.drvPath;
        system = drv.system or "";
        nixname = drv.name or "";
        # One output (the common case): the derivation is that output, so no lookups.
        outputs = if length outs == 1 then { ${head outs} = drv.outPath; }
          else listToAttrs (map (o: { name = o; value = drv.${o}.outPath; }) outs);
      } // mapAttrs (k: v: metaFields.${k} v) (intersectAttrs metaFields meta);
    in
    # Forced here, inside the caller's tryEval, so a broken job fails alone.
    deepSeq info [ info ];

  dotted = path: concatStringsSep "." path;

  # The records of one attribute: a job, the jobs below an attribute set, or an error.
  # Children are walked inside this tryEval but each has its own, so they fail alone.
  visit = path: v:
    if isDrv v then job (dotted path) v
    else if isAttrs v then concatMap (n: walk (path ++ [ n ]) v.${n}) (names v)
    else if v == null then [ ]
    else [ { name = dotted path; error = true; unsupported = typeOf v; } ];

  walk = path: v:
    if catch then
      let t = tryEval (visit path (call v));
      in if t.success then t.value else [ { name = dotted path; error = true; } ]
    else visit path (call v);

  # The value at a path, calling functions on the way as the walk does.
  at = path: v: if path == [ ] then v else at (tail path) ((call v).${head path});

  children = path:
    let v = call (at path release);
    in if isAttrs v && !(let t = tryEval (isDrv v); in t.success && t.value) then names v
    else null;
in
if mode == "children" then children (head paths)
else concatMap (p: walk p (at p release)) paths
