# hydrant's evaluation wrapper: imports a release expression, calls it with the jobset inputs
# it accepts, and walks the result the way hydra-eval-jobs does, returning one record per job.
# `paths` limits the walk to some subtrees (used to isolate errors tryEval cannot catch);
# `catch = false` lets a job's error reach stderr, so its message can be shown.
{ releaseFile, inputs, paths ? [ [ ] ], catch ? true, mode ? "jobs" }:
let
  inherit (builtins) attrNames concatMap filter isAttrs isFunction isList isString
    functionArgs intersectAttrs tryEval deepSeq typeOf listToAttrs map head tail
    concatStringsSep stringLength substring;

  call = f: if isFunction f then f (intersectAttrs (functionArgs f) inputs) else f;

  release = call (import releaseFile);

  # replaceStrings, not a regex: this runs once per attribute.
  hasDot = s: builtins.replaceStrings [ "." ] [ "" ] s != s;

  isDrv = v:
    let t = tryEval (isAttrs v && (v.type or null) == "derivation");
    in t.success && t.value;

  guard = x: if catch then tryEval x else { success = true; value = x; };

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

  job = name: drv:
    let
      meta = drv.meta or { };
      info = {
        inherit name;
        drvPath = drv.drvPath;
        system = drv.system or "";
        nixname = drv.name or "";
        outputs = listToAttrs (map (o: { name = o; value = drv.${o}.outPath; }) (drv.outputs or [ "out" ]));
        description = let d = meta.description or ""; in if isString d then d else "";
        license = showLicense (meta.license or "");
        maintainers = concatStringsSep ", " (filter (s: s != "")
          (map showMaintainer (let m = meta.maintainers or [ ]; in if isList m then m else [ m ])));
        schedulingPriority = intOr 100 (meta.schedulingPriority or 100);
        timeout = intOr 36000 (meta.timeout or 36000);
        maxSilent = intOr 7200 (meta.maxSilent or 7200);
      };
      t = guard (deepSeq info info);
    in
    if t.success then [ t.value ] else [ { inherit name; error = true; } ];

  dotted = path: concatStringsSep "." path;

  walk = path: v0:
    let t = guard (call v0); v = t.value;
    in
    if !t.success then [ { name = dotted path; error = true; } ]
    else if isDrv v then job (dotted path) v
    else if isAttrs v then
      concatMap (n: walk (path ++ [ n ]) v.${n})
        (filter (n: !(hasDot n) && n != "recurseForDerivations") (attrNames v))
    else if v == null then [ ]
    else [ { name = dotted path; error = true; unsupported = typeOf v; } ];

  # The value at a path, calling functions on the way as the walk does.
  at = path: v: if path == [ ] then v else at (tail path) ((call v).${head path});

  children = path:
    let v = call (at path release);
    in if isAttrs v && !(isDrv v) then
      filter (n: !(hasDot n) && n != "recurseForDerivations") (attrNames v)
    else null;
in
if mode == "children" then children (head paths)
else concatMap (p: walk p (at p release)) paths
