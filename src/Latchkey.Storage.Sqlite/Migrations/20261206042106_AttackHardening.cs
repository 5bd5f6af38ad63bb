using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AttackHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FailedAttempts",
                table: "mfa_enrolments");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "mfa_enrolments");

            migrationBuilder.AddColumn<string>(
                name: "Captcha_Hostnames",
                table: "sites",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImportedDummyHash",
                table: "sites",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MemberStamp",
                table: "session_tokens",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MemberStamp",
                table: "flows",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "guess_counters",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    Pauses = table.Column<int>(type: "INTEGER", nullable: false),
                    PausedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_guess_counters", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "registration_decoys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SiteId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    PasswordDigest = table.Column<byte[]>(type: "BLOB", nullable: false),
                    KeyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    profile_json = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_registration_decoys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_registration_decoys_members_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_guess_counters_UpdatedAt",
                table: "guess_counters",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_registration_decoys_OwnerId",
                table: "registration_decoys",
                column: "OwnerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "guess_counters");

            migrationBuilder.DropTable(
                name: "registration_decoys");

            migrationBuilder.DropColumn(
                name: "Captcha_Hostnames",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "ImportedDummyHash",
                table: "sites");

            migrationBuilder.DropColumn(
                name: "MemberStamp",
                table: "session_tokens");

            migrationBuilder.DropColumn(
                name: "MemberStamp",
                table: "flows");

            migrationBuilder.AddColumn<int>(
                name: "FailedAttempts",
                table: "mfa_enrolments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "LockedUntil",
                table: "mfa_enrolments",
                type: "INTEGER",
                nullable: true);
        }
    }
}
