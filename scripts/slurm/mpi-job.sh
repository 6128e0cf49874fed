# The body of the MPI job templates (sweep-mpi.sbatch, calibrate-mpi.sbatch), sourced by them
# from the directory the job was submitted from (the repository root):
#   run_mpi_job NAME COMMAND SPEC OUT   runs `motsim COMMAND SPEC --out OUT` under the launcher
# Launch (MOTSIM_LAUNCH): srun (default), as srun --mpi=$MOTSIM_SRUN_MPI (default pmix)
# $MOTSIM_SRUN_ARGS; or mpirun $MOTSIM_MPIRUN_ARGS. Resume mode (RESUME=1, or a requeued job:
# SLURM_RESTART_COUNT > 0): OUT without OUT.journal is complete and nothing runs; OUT.journal
# adds --resume. SIGTERM is passed to the launcher; then the job is requeued (scontrol requeue)
# at most MOTSIM_MAX_REQUEUE times (default 3; MOTSIM_REQUEUE=0: never). Bash 4.2 and later.

run_mpi_job() {
  local name="$1" command="$2" spec="$3" out="$4"
  local motsim="${MOTSIM:-build/motsim}" rerun launch extra=()
  rerun="RESUME=1 sbatch scripts/slurm/$name.sbatch $(printf '%q %q' "$spec" "$out")"
  case "${MOTSIM_LAUNCH:-srun}" in
    srun) launch=(srun --mpi="${MOTSIM_SRUN_MPI:-pmix}" ${MOTSIM_SRUN_ARGS:-}) ;;
    mpirun) launch=(mpirun ${MOTSIM_MPIRUN_ARGS:-}) ;;
    *) echo "$name: error: MOTSIM_LAUNCH is '$MOTSIM_LAUNCH'; expected srun or mpirun" >&2; exit 2 ;;
  esac
  if [ "${RESUME:-0}" = 1 ] || [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then
    if [ -f "$out" ] && [ ! -e "$out.journal" ]; then
      echo "$name: $out is complete; nothing to do"
      exit 0
    fi
    if [ -e "$out.journal" ]; then
      extra+=(--resume)
    else
      echo "$name: no $out.journal (nothing was complete when it stopped): starting from the beginning"
    fi
  fi
  echo "$name: ${launch[*]} $motsim $command $spec --out $out ${extra[*]+${extra[*]}}"
  MPI_JOB_CHILD=0
  MPI_JOB_STOPPING=0
  trap mpi_job_on_term TERM INT
  "${launch[@]}" "$motsim" "$command" "$spec" --out "$out" ${extra[@]+"${extra[@]}"} &
  MPI_JOB_CHILD=$!
  local rc=0
  wait "$MPI_JOB_CHILD" || rc=$?
  while [ "$rc" -gt 128 ] && kill -0 "$MPI_JOB_CHILD" 2>/dev/null; do  # a signal cut the wait short
    rc=0
    wait "$MPI_JOB_CHILD" || rc=$?
  done
  if [ "$MPI_JOB_STOPPING" = 1 ]; then
    if [ -f "$out" ] && [ ! -e "$out.journal" ]; then exit 0; fi  # it finished in time
    echo "$name: stopped by a signal; what was complete is kept in $out.journal" >&2
    mpi_job_requeue_or_tell "$name" "$out" "$rerun"
  fi
  if [ "$rc" -ne 0 ]; then echo "$name: motsim $command failed (exit $rc); once fixed: $rerun" >&2; fi
  exit "$rc"
}

mpi_job_on_term() {
  MPI_JOB_STOPPING=1
  if [ "$MPI_JOB_CHILD" -gt 0 ]; then kill -TERM "$MPI_JOB_CHILD" 2>/dev/null || true; fi
}

mpi_job_requeue_or_tell() {  # NAME OUT RERUN
  local n="${SLURM_RESTART_COUNT:-0}" max="${MOTSIM_MAX_REQUEUE:-3}"
  if [ "${MOTSIM_REQUEUE:-1}" = 1 ] && [ "$n" -lt "$max" ] && [ -n "${SLURM_JOB_ID:-}" ] &&
    scontrol requeue "$SLURM_JOB_ID"; then
    echo "$1: requeued (job $SLURM_JOB_ID, restart $((n + 1)) of at most $max); it resumes from $2.journal"
    exit 0
  fi
  echo "$1: not requeued (restart $n of at most $max, MOTSIM_REQUEUE=${MOTSIM_REQUEUE:-1}); resume with: $3" >&2
  exit 130
}
